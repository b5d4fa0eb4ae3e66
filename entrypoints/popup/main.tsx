import { render } from 'preact';

render(<main>Portal Launcher</main>, document.getElementById('app') as HTMLElement);
