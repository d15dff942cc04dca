import { render } from 'preact';
import { App } from './app.js';
import './dashboard.css';
import '../shared/visually-hidden.css';

render(<App />, document.getElementById('app')!);
