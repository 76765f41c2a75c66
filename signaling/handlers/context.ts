import type { Logger } from 'pino';
import type { ClientFrameOf, ClientFrameType, IceServer } from '../../shared/protocol';
import type { ServerLimits } from '../config';
import type { RegistrationLimit } from '../connection/registration-limit';
import type { Router } from '../routing/router';
import type { Session } from '../session';
import type { StoredFiles } from '../stored-files';
import type { Store } from '../store/store';
import type { GroupService } from '../groups/service';
import type { ScheduleService } from '../scheduling/schedule-service';

/**
 * What every handler may use. Handlers may wait (on storage); a connection's frames are handled
 * one at a time, so each sees the effects of the one before it. They throw only ProtocolError.
 */
export interface Context {
  store: Store;
  /** How anything reaches another user: handlers never write to another user's socket. */
  router: Router;
  /** Files kept for contacts who are offline. */
  files: StoredFiles;
  log: Logger;
  limits: ServerLimits;
  /** The ICE servers handed to `username` at login for its RTCPeerConnections: the configured ones, and TURN credentials minted for them. */
  iceServers(username: string): IceServer[];
  /** Accounts created per client address (`session.address`) per hour. */
  registrations: RegistrationLimit;
  /** Groups: the delivery service (groups/service.ts). */
  groups: GroupService;
  /** Scheduled messages (issue 13): signaling/scheduling/. */
  schedule: ScheduleService;
}

export type Handler<T extends ClientFrameType> = (ctx: Context, session: Session, frame: ClientFrameOf<T>) => void | Promise<void>;

/** One handler per client frame type; the mapped type makes a missing one a compile error. */
export type HandlerTable = { [T in ClientFrameType]: Handler<T> };
