// libphonenumber-js with its "max" metadata: parse and format.
import { parsePhoneNumber } from 'libphonenumber-js/max';

export const normalize = (input, region) => parsePhoneNumber(input, region).format('E.164');
