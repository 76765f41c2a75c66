/**
 * The words of @mentions in groups (issue 12, item 4), beside group-strings.ts: "Mention a member"
 * names the member picker, which tests and screen readers find it by.
 */
import { msg, str } from '@lit/localize';

export const tm = {
  /** The member picker that "@" opens in a group's composer. */
  mentionPicker: () => msg('Mention a member', { id: 'mention-picker' }),
  /** One member in it: their display name and username. */
  mentionOption: (name: string, user: string) => msg(str`${name} @${user}`, { id: 'mention-option' }),
  /** Read after a mention of the reader in a message (the eye sees it highlighted). */
  mentionsYou: () => msg('mentions you', { id: 'mention-mentions-you' }),
  /** A notification's title when the user is mentioned: its author and the group. */
  mentionedIn: (author: string, group: string) => msg(str`${author} mentioned you in ${group}`, { id: 'mention-notification-title' }),
  /** Above a group's composer while members type (names already display names). */
  typing: (names: readonly string[]) =>
    names.length === 1
      ? msg(str`${names[0]} is typing…`, { id: 'group-typing-one' })
      : names.length === 2
        ? msg(str`${names[0]} and ${names[1]} are typing…`, { id: 'group-typing-two' })
        : msg('Several people are typing…', { id: 'group-typing-several' }),
};
