import { render } from 'preact';

function Game() {
  return <main><h1>Gamifier</h1></main>;
}

render(<Game />, document.getElementById('app')!);
