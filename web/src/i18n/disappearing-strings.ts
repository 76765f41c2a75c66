/**
 * The words of disappearing messages (issue 13 item 6). "Disappearing messages", "Off", "1 hour",
 * "1 day" and "1 week" are the UI contract: tests and screen readers find the choice by them.
 */
import { msg, str } from '@lit/localize';

export const td = {
  label: () => msg('Disappearing messages', { id: 'disappearing-label', desc: 'Label of the choice in a contact’s details: how long new messages of the chat are kept' }),
  hint: () =>
    msg('New messages in this chat disappear after the time chosen: from your device that long after you send them, from theirs that long after they read them.', {
      id: 'disappearing-hint',
    }),
  groupHint: () =>
    msg('New messages in this group disappear after the time chosen: from your device that long after you send them, from each member’s that long after they read them.', {
      id: 'disappearing-group-hint',
    }),
  /** What a group member who may not change the timer sees instead of the choice. */
  current: (duration: string) =>
    msg(str`Disappearing messages: ${duration}`, { id: 'disappearing-current', desc: 'A group’s timer, shown to members who cannot change it; the placeholder is a timer such as “1 day” or “Off”' }),
  adminsOnly: () => msg('Only the group’s owner and admins can change it.', { id: 'disappearing-admins-only', desc: 'Under a group’s disappearing-messages setting, for members who cannot change it' }),
  off: () => msg('Off', { id: 'disappearing-off', desc: 'Disappearing messages: not on (messages stay)' }),
  hour: () => msg('1 hour', { id: 'disappearing-1-hour', desc: 'A disappearing-messages timer' }),
  day: () => msg('1 day', { id: 'disappearing-1-day', desc: 'A disappearing-messages timer' }),
  week: () => msg('1 week', { id: 'disappearing-1-week', desc: 'A disappearing-messages timer' }),
  /** `duration`: one of hour, day, week above. */
  setTo: (name: string, duration: string) =>
    msg(str`${name} set disappearing messages to ${duration}`, { id: 'disappearing-set-to', desc: 'A notice in the chat; the first placeholder is who set it, the second a timer such as “1 day”' }),
  turnedOff: (name: string) => msg(str`${name} turned off disappearing messages`, { id: 'disappearing-turned-off', desc: 'A notice in the chat; the placeholder is who turned it off' }),
  /** A notice as the conversation list previews it. */
  preview: (duration: string) => msg(str`Disappearing messages: ${duration}`, { id: 'disappearing-preview', desc: 'The conversation list’s preview of a notice that changed the timer; the placeholder is a timer such as “1 day” or “Off”' }),
  /** The timer mark's accessible name on a disappearing message. */
  mark: (duration: string) => msg(str`Disappearing message: ${duration}`, { id: 'disappearing-mark', desc: 'Read by screen readers for the small timer mark on a message that will disappear; the placeholder is a timer such as “1 day”' }),
};

/** The words for a timer of `seconds` (0: "Off"). */
export function timerName(seconds: number): string {
  if (seconds === 3600) return td.hour();
  if (seconds === 86_400) return td.day();
  if (seconds === 604_800) return td.week();
  return td.off();
}
