/**
 * The words of a file one posts in a group while its one copy goes up to the server (issue 12,
 * item 6), beside strings.ts's 1:1 ones ("Sending 30%"): "Uploading 30%" is what the sender's
 * bubble says until the server keeps the copy.
 */
import { msg, str } from '@lit/localize';

export const tf = {
  fileUploading: (percent: number) => msg(str`Uploading ${percent}%`, { id: 'group-file-uploading' }),
  uploadingForGroup: () => msg('Uploading, sealed, once for every member of the group…', { id: 'group-file-uploading-hint' }),
  storedForGroup: () => msg('Kept on the server, sealed, for the members of the group.', { id: 'group-file-stored' }),
};
