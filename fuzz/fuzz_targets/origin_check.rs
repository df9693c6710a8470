#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| phone_auth_fuzz::origin_check(data));
