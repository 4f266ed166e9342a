use std::collections::HashMap;

use sm4::cipher::{BlockCipherEncrypt, KeyInit as _};

use super::keys::KeyRing;
use super::*;

const K1: &str = "0123456789abcdeffedcba9876543210";
const K2: &str = "00112233445566778899aabbccddeeff";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn vault(text: &str) -> Vault {
    Vault::from_keys(KeyRing::parse(text, "test").unwrap())
}

fn parse_err(text: &str) -> String {
    KeyRing::parse(text, "key file k").unwrap_err().to_string()
}

#[test]
fn sm4_matches_the_gb_t_32907_example() {
    let cipher = Sm4::new_from_slice(&hex(K1)).unwrap();
    let mut block = sm4::cipher::Block::<Sm4>::try_from(&hex(K1)[..]).unwrap();
    cipher.encrypt_block(&mut block);
    assert_eq!(block.to_vec(), hex("681edf34d206965e86b3e94f536e4246"));
}

#[test]
fn sm4_gcm_matches_rfc_8998() {
    // RFC 8998 appendix A.1.
    let cipher = Sm4Gcm::new_from_slice(&hex(K1)).unwrap();
    let nonce = hex("00001234567800000000abcd");
    let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let msg = hex(
        "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd\
         eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
    );
    let out = cipher
        .encrypt(
            &Nonce::<U12>::try_from(&nonce[..]).unwrap(),
            Payload {
                msg: &msg,
                aad: &aad,
            },
        )
        .unwrap();
    let expected = hex(
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735\
         d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d\
         83de3541e4c2b58177e065a9bf7b62ec",
    );
    assert_eq!(out, expected);
}

#[test]
fn round_trip_text_and_bytes() {
    let v = vault(K1);
    let ad = associated_data("person", 42, "id_number");
    assert_eq!(ad, "person:42:id_number");
    let sealed = v.encrypt_text("15010219850321124X", &ad);
    assert!(!sealed.contains("1501021985"));
    assert_eq!(
        &*v.decrypt_text(&sealed, &ad).unwrap(),
        "15010219850321124X"
    );
    // Fresh nonces: the same value seals differently each time.
    assert_ne!(sealed, v.encrypt_text("15010219850321124X", &ad));
    let bytes = v.encrypt(b"", b"ad");
    assert_eq!(bytes.len(), HEADER_LEN + NONCE_LEN + TAG_LEN);
    assert_eq!(&**v.decrypt(&bytes, b"ad").unwrap(), b"");
    let text = "阿拉坦其其格，锡林浩特市";
    assert_eq!(
        &*v.decrypt_text(&v.encrypt_text(text, "x"), "x").unwrap(),
        text
    );
}

#[test]
fn another_row_or_column_does_not_open() {
    let v = vault(K1);
    let sealed = v.encrypt_text("13812345678", "person:42:phone");
    for ad in [
        "person:43:phone",
        "person:42:id_number",
        "household:42:phone",
        "",
    ] {
        assert!(
            matches!(v.decrypt_text(&sealed, ad), Err(VaultError::Forged)),
            "{ad}"
        );
    }
}

#[test]
fn wrong_key_does_not_open() {
    let sealed = vault(&format!("1:{K1}")).encrypt_text("secret", "a");
    let other = vault(&format!("1:{K2}"));
    assert!(matches!(
        other.decrypt_text(&sealed, "a"),
        Err(VaultError::Forged)
    ));
    let unknown = vault(&format!("2:{K1}"));
    assert!(matches!(
        unknown.decrypt_text(&sealed, "a"),
        Err(VaultError::UnknownKey(k)) if k.get() == 1
    ));
}

#[test]
fn any_altered_byte_is_refused() {
    let v = vault(&format!("1:{K1}, 2:{K2}"));
    let sealed = v.encrypt(b"13812345678", b"person:1:phone");
    for i in 0..sealed.len() {
        let mut bad = sealed.clone();
        bad[i] ^= 0x01;
        assert!(v.decrypt(&bad, b"person:1:phone").is_err(), "byte {i}");
    }
    // Pointing the key id at the other key the vault holds does not help.
    let mut swapped = sealed.clone();
    swapped[2] = 2;
    assert!(matches!(
        v.decrypt(&swapped, b"person:1:phone"),
        Err(VaultError::Forged)
    ));
    assert!(matches!(
        v.decrypt(&sealed[..sealed.len() - 1], b"person:1:phone"),
        Err(VaultError::Forged)
    ));
    assert!(matches!(
        v.decrypt(&sealed[..20], b"x"),
        Err(VaultError::Malformed)
    ));
    assert!(matches!(
        v.decrypt_text("not base64!", "x"),
        Err(VaultError::Malformed)
    ));
    let mut other_version = sealed.clone();
    other_version[0] = 2;
    assert!(matches!(
        v.decrypt(&other_version, b"x"),
        Err(VaultError::Malformed)
    ));
}

#[test]
fn rotation_keeps_old_values_readable_and_reseals_them() {
    let before = vault(&format!("1:{K1}"));
    let old = before.encrypt_text("15010219850321124X", "person:7:id_number");
    assert_eq!(before.current_key().get(), 1);

    // Rotate: a new current key first, the old one kept to decrypt.
    let after = vault(&format!("2:{K2}\n1:{K1}"));
    assert_eq!(after.current_key().get(), 2);
    assert_eq!(
        &*after.decrypt_text(&old, "person:7:id_number").unwrap(),
        "15010219850321124X"
    );
    let fresh = after.encrypt_text("13812345678", "person:7:phone");
    assert_eq!(Vault::key_of_text(&fresh).unwrap().get(), 2);

    let resealed = after
        .rotate_text(&old, "person:7:id_number")
        .unwrap()
        .expect("sealed under the old key");
    assert_eq!(Vault::key_of_text(&resealed).unwrap().get(), 2);
    assert_eq!(
        &*after.decrypt_text(&resealed, "person:7:id_number").unwrap(),
        "15010219850321124X"
    );
    // Already current: nothing to write.
    assert_eq!(
        after.rotate_text(&resealed, "person:7:id_number").unwrap(),
        None
    );
    // Rotation checks the binding too.
    assert!(after.rotate_text(&old, "person:8:id_number").is_err());

    // Once the old key is dropped, only resealed values open.
    let retired = vault(&format!("2:{K2}"));
    assert!(
        retired
            .decrypt_text(&resealed, "person:7:id_number")
            .is_ok()
    );
    assert!(matches!(
        retired.decrypt_text(&old, "person:7:id_number"),
        Err(VaultError::UnknownKey(_))
    ));
}

#[test]
fn key_text_forms() {
    // Hex, base64 with and without padding, bare (id 1), comments, commas.
    let b64 = "ASNFZ4mrze/+3LqYdlQyEA=="; // K1 in base64
    let text = format!("# keys\n3:{K2}  # current\n1:{b64}\n");
    let ring = KeyRing::parse(&text, "t").unwrap();
    assert_eq!(ring.current().get(), 3);
    let v = Vault::from_keys(ring);
    let from_k1 = vault(K1).encrypt_text("x", "a");
    assert_eq!(&*v.decrypt_text(&from_k1, "a").unwrap(), "x");
    let unpadded = vault(&format!("1:{}", b64.trim_end_matches('=')));
    assert_eq!(&*unpadded.decrypt_text(&from_k1, "a").unwrap(), "x");
    assert_eq!(vault(&format!("{K2},3:{K1}")).current_key().get(), 1);
    assert_eq!(format!("{v:?}"), "Vault { current_key: 3, keys: [1, 3] }");
}

#[test]
fn key_text_errors_are_clear_and_never_echo_the_key() {
    let short = &K1[..30];
    let msg = parse_err(&format!("1:{K1}\n2:{short}"));
    assert!(
        msg.starts_with("key file k, key 2: a key is 16 bytes"),
        "{msg}"
    );
    assert!(!msg.contains(short));
    assert!(parse_err("0:{K1}").contains("key id must be a number from 1 to 65535"));
    assert!(parse_err(&format!("x:{K1}")).contains("key id"));
    assert!(parse_err(&format!("70000:{K1}")).contains("key id"));
    assert!(parse_err(&format!("1:{K1}\n1:{K2}")).contains("key 2: this key id is used twice"));
    assert!(parse_err(&format!("{K1} {K2}")).contains("used twice"));
    assert_eq!(parse_err("# nothing\n\n"), "key file k holds no key");
    assert!(parse_err("1:zzzz").contains("key 1"));
    assert!(parse_err(&format!("1:{K1}00")).contains("16 bytes"));
    let ring = KeyRing::parse(K1, "t").unwrap();
    assert!(!format!("{ring:?}").contains(K1));
}

#[test]
fn load_reads_a_file_or_the_variable_never_both() {
    let dir = std::env::temp_dir().join(format!("jinguo-vault-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("key");
    std::fs::write(&file, format!("2:{K2}\n1:{K1}\n")).unwrap();
    let env = |vars: &[(&str, &str)]| {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name: &str| map.get(name).cloned()
    };

    let v = Vault::load_with(Some(&file), env(&[])).unwrap();
    assert_eq!(v.current_key().get(), 2);
    let path = file.display().to_string();
    let v = Vault::load_with(None, env(&[(keys::KEY_FILE_ENV, &path)])).unwrap();
    assert_eq!(v.current_key().get(), 2);
    let v = Vault::load_with(None, env(&[(keys::KEY_ENV, K1)])).unwrap();
    assert_eq!(v.current_key().get(), 1);

    assert!(matches!(
        Vault::load_with(None, env(&[])),
        Err(VaultError::NoKey)
    ));
    assert!(matches!(
        Vault::load_with(None, env(&[(keys::KEY_ENV, "  ")])),
        Err(VaultError::NoKey)
    ));
    assert!(matches!(
        Vault::load_with(Some(&file), env(&[(keys::KEY_ENV, K1)])),
        Err(VaultError::TwoKeySources)
    ));
    let missing = dir.join("absent");
    let err = Vault::load_with(Some(&missing), env(&[]))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("cannot read the key file {}", missing.display())),
        "{err}"
    );
    std::fs::write(&file, "1:abc\n").unwrap();
    let err = Vault::load_with(Some(&file), env(&[]))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("key file {path}, key 1:")),
        "{err}"
    );
    let err = Vault::load_with(None, env(&[(keys::KEY_ENV, "1:abc")]))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("JINGUO_ENCRYPTION_KEY, key 1:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generated_keys_parse_and_differ() {
    let id = KeyId::new(4).unwrap();
    let a = generate_key_line(id);
    let b = generate_key_line(id);
    assert_ne!(*a, *b);
    assert!(a.starts_with("4:") && a.len() == 2 + 32, "{}", a.len());
    let v = vault(&a);
    assert_eq!(v.current_key().get(), 4);
    assert_eq!(
        &*v.decrypt_text(&v.encrypt_text("x", "a"), "a").unwrap(),
        "x"
    );
}

#[test]
fn blind_indexes_match_equal_values_and_survive_rotation() {
    let v = vault(&format!("1:{K1}"));
    let a = v.blind_index("help_limit", "10.0.3.7");
    assert_eq!(a.len(), 32);
    assert_eq!(a, v.blind_index("help_limit", "10.0.3.7"));
    assert_ne!(a, v.blind_index("help_limit", "10.0.3.8"));
    assert_ne!(a, v.blind_index("other_purpose", "10.0.3.7"));
    assert!(!a.contains("10.0.3.7"));
    // Another key file: another index, so the value cannot be guessed
    // by hashing every address without the key.
    assert_ne!(
        a,
        vault(&format!("1:{K2}")).blind_index("help_limit", "10.0.3.7")
    );
    // A new current key beside the old one leaves indexes as they were.
    let rotated = vault(&format!("2:{K2}\n1:{K1}"));
    assert_eq!(rotated.current_key().get(), 2);
    assert_eq!(a, rotated.blind_index("help_limit", "10.0.3.7"));
}
