// jwt-decode: payload and header decoding.
import { jwtDecode } from 'jwt-decode';

export const decode = (token) => ({ header: jwtDecode(token, { header: true }), claims: jwtDecode(token) });
