/** The strings of the installable app: the prompt a new version shows (app/app-update.ts). */
import { msg } from '@lit/localize';

export const tu = {
  newVersion: () => msg('A new version is available', { id: 'update-new-version', desc: 'Shown when the server has a newer build of the app than the one running in this tab.' }),
  reload: () => msg('Reload', { id: 'update-reload', desc: 'Button: reload the tab into the new version of the app.' }),
};
