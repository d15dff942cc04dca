import { render } from 'preact';
import { App } from './app.js';
import './dashboard.css';

render(<App />, document.getElementById('app')!);
