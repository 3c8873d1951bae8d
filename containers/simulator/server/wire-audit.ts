/**
 * The simulator's wire-audit hook (server option `wireAudit`): called with every answer of an exchange REST
 * route and every WebSocket frame the server sends, so tests can hold them against the venue's contract
 * (shared/venue/contract: `WireContract.endpoint(method, template).response` names a REST answer's definition,
 * `judgeFrame` judges a frame). The hook must not throw; what it does with a record is the caller's business.
 */

export interface RestAuditRecord {
  kind: 'rest';
  /** Upper case. */
  method: string;
  /** The route's path as the contract writes it, e.g. `/v1/order/{orderId}`. */
  template: string;
  status: number;
  body: unknown;
}

export interface FrameAuditRecord {
  kind: 'frame';
  socket: 'markets' | 'private';
  frame: Record<string, unknown>;
}

export type WireAuditRecord = RestAuditRecord | FrameAuditRecord;

export type WireAudit = (record: WireAuditRecord) => void;
