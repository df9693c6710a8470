// What a web app ships for phone sign-in with Firebase Auth (modular SDK).
import { initializeApp } from 'firebase/app';
import { getAuth, signInWithPhoneNumber, RecaptchaVerifier, onIdTokenChanged } from 'firebase/auth';

export function createAuth(config, buttonId) {
  const app = initializeApp(config);
  const auth = getAuth(app);
  const verifier = new RecaptchaVerifier(auth, buttonId, { size: 'invisible' });
  return {
    requestCode: (phone) => signInWithPhoneNumber(auth, phone, verifier),
    verify: (confirmation, code) => confirmation.confirm(code),
    onChange: (cb) => onIdTokenChanged(auth, cb),
  };
}
