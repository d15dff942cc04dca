import { render } from 'preact';
import '../shared/base.css';
import './game.css';
import { App } from './app.js';
import '../shared/visually-hidden.css';

render(<App />, document.getElementById('app')!);
