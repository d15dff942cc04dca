import { render } from 'preact';

function Dashboard() {
  return <main><h1>Gamifier — operators' dashboard</h1></main>;
}

render(<Dashboard />, document.getElementById('app')!);
