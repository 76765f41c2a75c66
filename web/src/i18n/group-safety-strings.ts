/**
 * The words of a group member's safety number in the "Members" list (issue 12: a member's MLS
 * signature key is their identity key, so safety numbers cover members too). "Safety number" is
 * the button's text, as in a contact's details.
 */
import { msg, str } from '@lit/localize';

export const ts = {
  safetyNumberOf: (user: string) => msg(str`Safety number of ${user}`, { id: 'group-member-safety-of' }),
  groupKeyHint: (user: string) =>
    msg(str`These digits come from the key ${user} has in this group. Compare them with ${user} in person or on a call; if they match, nobody is in the middle.`, { id: 'group-member-safety-hint' }),
  notContactKey: (user: string) =>
    msg(str`The key ${user} has in this group is not the key you have for them as a contact, so these digits differ from the ones in their contact details. Compare both with ${user} before trusting what they send here.`, { id: 'group-member-not-contact-key' }),
  refusedKey: (user: string) =>
    msg(str`This group also showed another key for ${user}, which this device refused. The digits above are of the key it kept.`, { id: 'group-member-refused-key' }),
};
