// jose: decodeJwt (and the protected header) without verification.
import { decodeJwt, decodeProtectedHeader } from 'jose';

export const decode = (token) => ({ header: decodeProtectedHeader(token), claims: decodeJwt(token) });
