// What a web app ships for phone OTP sign-in with Supabase auth-js.
import { GoTrueClient } from '@supabase/auth-js';

export function createAuth(url, key) {
  const auth = new GoTrueClient({ url, headers: { apikey: key }, persistSession: true, autoRefreshToken: true });
  return {
    requestCode: (phone) => auth.signInWithOtp({ phone }),
    verify: (phone, token) => auth.verifyOtp({ phone, token, type: 'sms' }),
    onChange: (cb) => auth.onAuthStateChange(cb),
    session: () => auth.getSession(),
  };
}
