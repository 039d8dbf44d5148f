//! The bytes on disk are exactly the ones PROTOCOL.md specifies, read back with
//! plain `std::fs`, and every primitive stops at the last byte.

mod support;

use pusm_core::{Error, Role, SharedBuffer};
use support::{create, file_names, join, private_dir, unique_prefix};

#[test]
fn hook_and_data_files_match_the_protocol() {
    let dir = private_dir();
    let prefix = unique_prefix("hook");
    let sm = create(dir.path(), &prefix, Role::Unity, 100);

    assert_eq!(
        file_names(dir.path()),
        [prefix.clone(), format!("{prefix}_")]
    );
    let hook = std::fs::read(dir.path().join(&prefix)).unwrap();
    assert_eq!(
        hook,
        [
            1, 0, 0, 0, // version 1
            1, 0, 0, 0, // file number 1
            100, 0, 0, 0, // capacity
            0, // python may act
            1, // unity may act: the creator holds control
            0, // not closed
        ]
    );
    let data = std::fs::read(dir.path().join(format!("{prefix}_"))).unwrap();
    assert_eq!(data, vec![0u8; 100]);
    sm.delete().unwrap();
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn a_python_creator_sets_the_python_flag() {
    let dir = private_dir();
    let prefix = unique_prefix("pycreator");
    let sm = create(dir.path(), &prefix, Role::Python, 8);
    let hook = std::fs::read(dir.path().join(&prefix)).unwrap();
    assert_eq!(&hook[12..], &[1, 0, 0]);
    sm.delete().unwrap();
}

#[test]
fn give_control_flips_the_flags_and_close_sets_the_closed_byte() {
    let dir = private_dir();
    let prefix = unique_prefix("flags");
    let mut unity = create(dir.path(), &prefix, Role::Unity, 16);
    unity.give_control(false).unwrap();
    let hook = std::fs::read(dir.path().join(&prefix)).unwrap();
    assert_eq!(&hook[12..], &[1, 0, 0]);
    assert!(unity.is_blocked());

    let python = join(dir.path(), &prefix, Role::Python);
    assert!(!python.is_blocked());
    python.close().unwrap();
    let hook = std::fs::read(dir.path().join(&prefix)).unwrap();
    assert_eq!(hook[14], 1);
    assert!(matches!(
        unity.wait_unblocked(),
        Err(Error::PeerClosed { .. })
    ));
    // The side that saw the close removed the files, as the seed does.
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn each_primitive_is_encoded_as_the_protocol_says() {
    let dir = private_dir();
    let prefix = unique_prefix("encoding");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 32);
    let mut at = sm.write_bool(0, true).unwrap();
    at = sm.write_int32(at, -2).unwrap();
    at = sm.write_float32(at, 1.5).unwrap();
    at = sm.write_string(at, "hé").unwrap();
    at = sm.write_bytes(at, &[7, 8, 9]).unwrap();
    assert_eq!(at, 1 + 4 + 4 + 4 + 3 + 3);

    let data = std::fs::read(sm.data_path()).unwrap();
    assert_eq!(
        &data[..at],
        &[
            1, // true
            0xFE, 0xFF, 0xFF, 0xFF, // -2
            0x00, 0x00, 0xC0, 0x3F, // 1.5f32
            3, 0, 0, 0, b'h', 0xC3, 0xA9, // "hé", 3 bytes of UTF-8
            7, 8, 9, // raw bytes, no length
        ]
    );
    let (flag, at) = sm.read_bool(0).unwrap();
    let (int, at) = sm.read_int32(at).unwrap();
    let (float, at) = sm.read_float32(at).unwrap();
    let (text, at) = sm.read_string(at).unwrap();
    let (bytes, _) = sm.read_bytes(at, 3).unwrap();
    assert_eq!(
        (flag, int, float, text.as_str(), bytes),
        (true, -2, 1.5, "hé", vec![7, 8, 9])
    );
    sm.delete().unwrap();
}

#[test]
fn every_primitive_stops_at_the_last_byte() {
    let dir = private_dir();
    let prefix = unique_prefix("bounds");
    let capacity = 64;
    let mut sm = create(dir.path(), &prefix, Role::Unity, capacity);

    // The last valid offset works...
    assert_eq!(sm.write_bool(capacity - 1, true).unwrap(), capacity);
    assert_eq!(sm.read_bool(capacity - 1).unwrap(), (true, capacity));
    assert_eq!(sm.write_int32(capacity - 4, 5).unwrap(), capacity);
    assert_eq!(sm.read_int32(capacity - 4).unwrap(), (5, capacity));
    assert_eq!(sm.write_float32(capacity - 4, 0.5).unwrap(), capacity);
    assert_eq!(sm.read_float32(capacity - 4).unwrap(), (0.5, capacity));
    assert_eq!(sm.write_string(capacity - 6, "ab").unwrap(), capacity);
    assert_eq!(
        sm.read_string(capacity - 6).unwrap(),
        ("ab".to_owned(), capacity)
    );
    assert_eq!(sm.write_bytes(capacity - 2, &[1, 2]).unwrap(), capacity);
    assert_eq!(
        sm.read_bytes(capacity - 2, 2).unwrap(),
        (vec![1, 2], capacity)
    );

    // ...and one byte further is an error that names the access.
    let oob = |result: Result<_, Error>| match result {
        Err(Error::OutOfBounds { capacity: 64, .. }) => {}
        other => panic!("expected OutOfBounds, got {other:?}"),
    };
    oob(sm.write_bool(capacity, true).map(drop));
    oob(sm.read_bool(capacity).map(drop));
    oob(sm.write_int32(capacity - 3, 5).map(drop));
    oob(sm.read_int32(capacity - 3).map(drop));
    oob(sm.write_float32(capacity - 3, 0.5).map(drop));
    oob(sm.read_float32(capacity - 3).map(drop));
    oob(sm.write_string(capacity - 5, "ab").map(drop));
    oob(sm.read_string(capacity - 3).map(drop));
    oob(sm.write_bytes(capacity - 1, &[1, 2]).map(drop));
    oob(sm.read_bytes(capacity - 1, 2).map(drop));
    oob(sm.read_bytes(usize::MAX, 2).map(drop));
    oob(sm.write_bytes(usize::MAX, &[1]).map(drop));

    // A string that does not fit leaves the memory untouched.
    let before = std::fs::read(sm.data_path()).unwrap();
    assert!(sm.write_string(capacity - 5, "ab").is_err());
    assert_eq!(std::fs::read(sm.data_path()).unwrap(), before);
    sm.delete().unwrap();
}

#[test]
fn corrupted_strings_are_errors() {
    let dir = private_dir();
    let prefix = unique_prefix("strings");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 16);

    sm.write_int32(0, -1).unwrap();
    assert!(matches!(
        sm.read_string(0),
        Err(Error::InvalidLength {
            offset: 0,
            length: -1,
            ..
        })
    ));
    sm.write_int32(0, 13).unwrap(); // 4 + 13 > 16
    assert!(matches!(
        sm.read_string(0),
        Err(Error::InvalidLength {
            offset: 0,
            length: 13,
            ..
        })
    ));
    sm.write_int32(0, i32::MAX).unwrap();
    assert!(matches!(
        sm.read_string(0),
        Err(Error::InvalidLength { .. })
    ));
    sm.write_int32(4, 2).unwrap();
    sm.write_bytes(8, &[0xC3, 0x28]).unwrap();
    assert!(matches!(
        sm.read_string(4),
        Err(Error::InvalidUtf8 { offset: 4, .. })
    ));
    sm.delete().unwrap();
}

#[test]
fn resize_copies_the_contents_into_the_next_data_file() {
    let dir = private_dir();
    let prefix = unique_prefix("resize");
    let mut sm = create(dir.path(), &prefix, Role::Unity, 8);
    sm.write_int32(4, 0x0A0B_0C0D).unwrap();

    assert!(matches!(
        sm.resize(8),
        Err(Error::InvalidResize {
            current: 8,
            requested: 8,
            ..
        })
    ));
    assert!(matches!(sm.resize(4), Err(Error::InvalidResize { .. })));
    assert_eq!(
        file_names(dir.path()),
        [prefix.clone(), format!("{prefix}_")]
    );

    sm.resize(20).unwrap();
    assert_eq!(sm.capacity(), 20);
    let hook = std::fs::read(dir.path().join(&prefix)).unwrap();
    assert_eq!(&hook[4..12], &[2, 0, 0, 0, 20, 0, 0, 0]);
    let data = std::fs::read(dir.path().join(format!("{prefix}__"))).unwrap();
    assert_eq!(data.len(), 20);
    assert_eq!(&data[..8], &[0, 0, 0, 0, 0x0D, 0x0C, 0x0B, 0x0A]);
    assert_eq!(sm.read_int32(4).unwrap().0, 0x0A0B_0C0D);
    assert_eq!(sm.write_int32(16, 1).unwrap(), 20);

    // A second resize in the same turn removes the file the peer never saw.
    sm.resize(40).unwrap();
    assert_eq!(
        file_names(dir.path()),
        [prefix.clone(), format!("{prefix}_"), format!("{prefix}___")]
    );
    sm.delete().unwrap();
}
