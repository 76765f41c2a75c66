/**
 * The words of scheduled messages (issue 13 item 3). "Send options", "Schedule message", "Send
 * at", "Schedule", "Cancel" and "Send now" are the UI contract: tests and screen readers find
 * the controls by them.
 */
import { msg, str } from '@lit/localize';

export const ts = {
  sendOptions: () => msg('Send options', { id: 'schedule-send-options', desc: 'Button beside Send in the composer that opens a menu of other ways to send' }),
  scheduleMessage: () => msg('Schedule message', { id: 'schedule-message', desc: 'Menu item and dialog title: send the message written at a chosen later time' }),
  sendAt: () => msg('Send at', { id: 'schedule-send-at', desc: 'Label of the date and time input for when a scheduled message is sent' }),
  schedule: () => msg('Schedule', { id: 'schedule-confirm', desc: 'Button in the dialog that schedules the message for the chosen time' }),
  close: () => msg('Cancel', { id: 'schedule-dialog-cancel', desc: 'Closes the schedule dialog without scheduling anything' }),
  hint: () => msg('The message is sealed now and sent at that time, even if this browser is closed.', { id: 'schedule-hint' }),
  pickTime: () => msg('Choose a date and time.', { id: 'schedule-pick-time' }),
  emptyDraft: () => msg('Write the message first, then schedule it.', { id: 'schedule-empty-draft' }),
  /** `when` is a date and time in the UI's language. */
  scheduledFor: (when: string) => msg(str`Scheduled for ${when}`, { id: 'schedule-scheduled-for', desc: 'Shown on your own message that waits to be sent; the placeholder is a date and time' }),
  cancelScheduled: () => msg('Cancel', { id: 'schedule-cancel', desc: 'Button on a scheduled message: it is not sent, and is deleted' }),
  sendNow: () => msg('Send now', { id: 'schedule-send-now', desc: 'Button on a scheduled message: send it at once instead of at its time' }),
  cancelling: () => msg('Cancelling…', { id: 'schedule-cancelling' }),
  sendingNow: () => msg('Sending now…', { id: 'schedule-sending-now' }),
  /** A small mark on a message its sender scheduled (both sides). */
  scheduledMark: () => msg('Scheduled', { id: 'schedule-mark', desc: 'Small mark on a message that its sender had scheduled for this time' }),
};
