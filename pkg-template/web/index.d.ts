// phone-auth {{VERSION}}
export * from './phone_auth.js';

/** What `init` accepts: where or what the `.wasm` is (default: next to this file). */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads the WebAssembly module; idempotent (later calls return the same promise). */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Instantiates the module synchronously from its bytes or a compiled module. */
export function initSync(module: BufferSource | WebAssembly.Module): void;
