/**
 * Every kind of sealed body has its module here, and `receive` dispatches through this one
 * registry. Two roles: content (a message of its own: text, a file offer, a body of a kind this
 * version does not know, a reply) and modifiers (a change to another message: a reaction, a
 * delete, an edit; later read). The registry is exhaustive: a kind added to shared/envelope.ts without a module
 * is a compile error here.
 */
import type { Body, UnsupportedBody } from '../../../../shared/envelope';
import type { StoredMessage } from '../../storage/db';
import { deleteBody } from './delete';
import { disappearingBody } from './disappearing';
import { editBody } from './edit';
import { fileBody } from './file';
import { profileBody } from './profile';
import { readBody } from './read';
import { typingBody } from './typing';
import { reactionBody } from './reaction';
import { replyBody } from './reply';
import { textBody } from './text';
import { unsupportedBody } from './unsupported';

/** What an envelope opens to: a body this version knows, or the marker of one it does not. */
export type ReceivedBody = Body | UnsupportedBody;
export type BodyKind = ReceivedBody['kind'];
type BodyOf<K extends BodyKind> = Extract<ReceivedBody, { kind: K }>;

/** What a conversation shows of a content body. */
export type MessageContent = Pick<StoredMessage, 'text' | 'file' | 'unsupported' | 'reply' | 'scheduledFor' | 'expiresIn' | 'disappearing'>;

export interface ContentModule<B> {
  readonly role: 'content';
  show(body: B): MessageContent;
}

/** Who a modifier comes from, and who this device is: some changes only a message's author may make. */
export interface ModifierContext {
  from: string;
  me: string;
  /** The modifier's own time (its sender's clock): of two changes by one author, the later wins. */
  ts: number;
}

export interface ModifierModule<B> {
  readonly role: 'modifier';
  /** The id of the message it changes. */
  target(body: B): string;
  /**
   * Only the target's author may make it (edit, delete): its target is looked for only among the
   * sender's own messages, never among this device's (review M1).
   */
  readonly authorOnly?: true;
  /** Applies it to `message`; false when it changes nothing (or `from` may not make it). */
  apply(message: StoredMessage, body: B, ctx: ModifierContext): boolean;
}

/** A change to several messages at once (read receipts): each named one is changed, or waits for its message. */
export interface MarksModule<B> {
  readonly role: 'marks';
  targets(body: B): readonly string[];
  /** The body narrowed to one target: what waits for that message (pending.ts). */
  one(body: B, target: string): B;
  apply(message: StoredMessage, body: B, ctx: ModifierContext): boolean;
}

/** Not a message nor a change to one, but news about the sender (profile, typing): handed to its service. */
export interface ControlModule<B> {
  readonly role: 'control';
  /** Never constructed: carries the body type. */
  readonly body?: B;
}

export type BodyModule<B> = ContentModule<B> | ModifierModule<B> | MarksModule<B> | ControlModule<B>;

const REGISTRY: { readonly [K in BodyKind]: BodyModule<BodyOf<K>> } = {
  text: textBody,
  file: fileBody,
  unsupported: unsupportedBody,
  reaction: reactionBody,
  delete: deleteBody,
  reply: replyBody,
  edit: editBody,
  read: readBody,
  typing: typingBody,
  profile: profileBody,
  disappearing: disappearingBody,
};

/** The module of `body`'s kind. */
export function bodyModule<B extends ReceivedBody>(body: B): BodyModule<B> {
  return REGISTRY[body.kind] as unknown as BodyModule<B>;
}
