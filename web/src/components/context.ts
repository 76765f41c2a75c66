import { createContext } from '@lit/context';
import type { AppServices } from '../app/app-services';

/** The app's services, provided by <parley-app> to every component below it. */
export const servicesContext = createContext<AppServices>(Symbol('parley-services'));
