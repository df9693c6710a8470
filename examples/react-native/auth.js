// One AuthClient for the app's lifetime, its session in AsyncStorage. `init()` makes the
// module ready (no WebAssembly needed: the react-native entry of phone-auth).
import init, { AuthClient } from 'phone-auth';
import AsyncStorage from '@react-native-async-storage/async-storage';

// Where your backend is. The phone-auth emulator on your machine is http://10.0.2.2:8787
// from the Android emulator and http://127.0.0.1:8787 from the iOS simulator.
export const BASE_URL = 'http://10.0.2.2:8787';
// Plain http to a host that is not loopback (10.0.2.2 is your machine, seen from the
// Android emulator) is refused unless allowed: in development builds only.
const allowInsecureHttp = typeof __DEV__ !== 'undefined' && __DEV__ && BASE_URL.startsWith('http:');

let client;

/** The app's client, made once `init()` resolved. */
export async function getAuth() {
  if (!client) {
    await init();
    client = new AuthClient({
      provider: 'sso',
      baseUrl: BASE_URL,
      defaultCountry: 'DE',
      storage: AsyncStorage, // getItem / setItem / removeItem, async
      autoRefresh: false, // App.js follows AppState instead
      allowInsecureHttp,
    });
  }
  return client;
}
