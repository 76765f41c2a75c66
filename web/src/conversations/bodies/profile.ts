/**
 * A contact's profile (their display name): not a message of the conversation but news about its
 * sender, handed to the profile service (conversations/profiles.ts), which keeps the latest on
 * the contact record.
 */
import type { Profile } from '../../../../shared/envelope';
import type { ControlModule } from './registry';

export const profileBody: ControlModule<Profile> = { role: 'control' };
