// The preview's entry: synthetic shadow first (as on the platform), then the page shell.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import App from 'preview/app';

document.body.appendChild(createElement('preview-app', { is: App }));
