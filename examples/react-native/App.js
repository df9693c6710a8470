// phone-auth in a React Native app: phone number (normalised as you type) → SMS code (with a
// resend countdown) → signed in. The session lives in AsyncStorage; AppState starts the
// auto-refresh while the app is in the foreground and stops it in the background.
import React, { useEffect, useRef, useState } from 'react';
import { ActivityIndicator, AppState, Button, SafeAreaView, StyleSheet, Text, TextInput, View } from 'react-native';
import { AuthError, normalizePhone } from 'phone-auth';
import { getAuth } from './auth';

/** `normalizePhone` for display: the international form, or why not. */
function preview(input) {
  if (!input.trim()) return { ok: false, text: ' ' };
  try {
    const p = normalizePhone(input, 'DE');
    return { ok: true, text: p.international, e164: p.e164 };
  } catch (e) {
    return { ok: false, text: e instanceof AuthError ? 'Not a phone number yet' : String(e) };
  }
}

/** The challenge with the time (ms) its code may be resent. */
function sent(c) {
  return { ...c, resendAt: Date.now() + c.resendAfter * 1000 };
}

function message(e) {
  if (!(e instanceof AuthError)) return String(e);
  switch (e.code) {
    case 'invalid_code':
      return 'That code is not right.';
    case 'rate_limited':
      return `Too many tries: wait ${e.retryAfter ?? 60} s.`;
    case 'network':
    case 'timeout':
      return 'No connection to the server.';
    default:
      return e.message;
  }
}

/** Seconds until `at` (ms), ticking every second. */
function useCountdown(at) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!at || at <= Date.now()) return undefined;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [at]);
  return at ? Math.max(0, Math.ceil((at - now) / 1000)) : 0;
}

export default function App() {
  const [auth, setAuth] = useState(null);
  const [session, setSession] = useState(null);
  const [phone, setPhone] = useState('');
  const [challenge, setChallenge] = useState(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const appState = useRef(AppState.currentState);
  const wait = useCountdown(challenge && challenge.resendAt);

  useEffect(() => {
    let off = () => {};
    getAuth().then((a) => {
      setAuth(a);
      off = a.onAuthStateChange((_event, s) => setSession(s));
      if (appState.current === 'active') a.startAutoRefresh();
    }, setError);
    return () => off();
  }, []);

  useEffect(() => {
    if (!auth) return undefined;
    const sub = AppState.addEventListener('change', (next) => {
      appState.current = next;
      if (next === 'active') auth.startAutoRefresh();
      else auth.stopAutoRefresh();
    });
    return () => sub.remove();
  }, [auth]);

  const run = async (f) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const p = preview(phone);

  if (!auth) return <Centered>{error ? <Text>{String(error)}</Text> : <ActivityIndicator />}</Centered>;
  if (session) {
    return (
      <Centered>
        <Text style={styles.title}>Signed in</Text>
        <Text>{session.phone}</Text>
        <Text style={styles.dim}>token until {new Date(session.expiresAt ?? 0).toLocaleTimeString()}</Text>
        <Button title="Sign out" disabled={busy} onPress={() => run(() => auth.signOut())} />
      </Centered>
    );
  }
  return (
    <Centered>
      <Text style={styles.title}>Sign in with your phone</Text>
      {!challenge ? (
        <View>
          <TextInput style={styles.input} value={phone} onChangeText={setPhone} placeholder="0174 7707607" keyboardType="phone-pad" autoComplete="tel" />
          <Text style={p.ok ? styles.ok : styles.dim}>{p.text}</Text>
          <Button title="Send code" disabled={!p.ok || busy} onPress={() => run(async () => setChallenge(sent(await auth.requestCode(p.e164))))} />
        </View>
      ) : (
        <View>
          <Text>Code sent to {challenge.phone}</Text>
          <TextInput style={styles.input} value={code} onChangeText={setCode} placeholder="123456" keyboardType="number-pad" autoComplete="sms-otp" textContentType="oneTimeCode" />
          <Button title="Sign in" disabled={code.length < 4 || busy} onPress={() => run(() => auth.verify(code))} />
          <Button
            title={wait > 0 ? `Resend in ${wait} s` : 'Resend code'}
            disabled={wait > 0 || busy}
            onPress={() => run(async () => setChallenge(sent(await auth.resendCode())))}
          />
          <Button title="Change number" onPress={() => setChallenge(null)} />
        </View>
      )}
      {busy ? <ActivityIndicator /> : null}
      {error ? <Text style={styles.error}>{error}</Text> : null}
    </Centered>
  );
}

function Centered({ children }) {
  return <SafeAreaView style={styles.screen}>{children}</SafeAreaView>;
}

const styles = StyleSheet.create({
  screen: { flex: 1, justifyContent: 'center', padding: 24, gap: 12 },
  title: { fontSize: 22, fontWeight: '600', marginBottom: 12 },
  input: { borderWidth: 1, borderColor: '#999', borderRadius: 6, padding: 10, fontSize: 18 },
  ok: { color: '#176b2c' },
  dim: { color: '#777' },
  error: { color: '#b00020' },
});
