// phone-auth {{VERSION}}
export * from '../web/phone_auth.js';

/** A no-op in Node (the module is ready at import); returns a resolved promise. */
export default function init(input?: unknown): Promise<void>;

/** A no-op in Node. */
export function initSync(module?: unknown): void;
