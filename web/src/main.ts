// Entry point of the web app: registers the custom elements.
import './app/parley-app';
