// phone-auth {{VERSION}}: the React Native entry. Its API is the web build's, declared once.
export * from '../web/index.js';
export { default } from '../web/index.js';
