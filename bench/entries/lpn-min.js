// libphonenumber-js with its "min" metadata: parse and format.
import { parsePhoneNumber } from 'libphonenumber-js/min';

export const normalize = (input, region) => parsePhoneNumber(input, region).format('E.164');
