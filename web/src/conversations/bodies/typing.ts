/**
 * A contact is typing. It travels only in transient frames (conversations/typing.ts), never as a
 * stored envelope; one that comes as an envelope anyway (a confused or hostile client) is handed
 * to the same service, which shows it for a few seconds like any other.
 */
import type { Typing } from '../../../../shared/envelope';
import type { ControlModule } from './registry';

export const typingBody: ControlModule<Typing> = { role: 'control' };
