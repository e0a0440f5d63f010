use explorer_core::quantity::{format_cpu, format_memory, parse_cpu, parse_memory, QuantityError};

#[test]
fn cpu_table() {
    let cases: &[(&str, u64)] = &[
        ("250m", 250),
        ("0.5", 500),
        ("2", 2000),
        ("1500u", 2),
        ("1u", 1),
        ("100n", 1),
        ("0", 0),
        ("0.0001", 1),
        (".5", 500),
        ("1.25", 1250),
        ("1e3", 1_000_000),
        ("2k", 2_000_000),
        ("+100m", 100),
        (" 100m ", 100),
        ("1000000m", 1_000_000),
    ];
    for (input, want) in cases {
        assert_eq!(parse_cpu(input), Ok(*want), "{input}");
    }
}

#[test]
fn memory_table() {
    let cases: &[(&str, u64)] = &[
        ("256Mi", 256 << 20),
        ("1Gi", 1 << 30),
        ("128M", 128_000_000),
        ("1e3", 1000),
        ("1.5Gi", 3 << 29),
        ("100k", 100_000),
        ("1024", 1024),
        ("64Ki", 65_536),
        ("2Ti", 2 << 40),
        ("1E", 1_000_000_000_000_000_000),
        ("0.5Ki", 512),
        ("1.1", 2),
        ("1m", 1),
        ("12E-1", 2),
    ];
    for (input, want) in cases {
        assert_eq!(parse_memory(input), Ok(*want), "{input}");
    }
}

#[test]
fn errors_are_typed_never_panics() {
    assert_eq!(parse_cpu(""), Err(QuantityError::Empty));
    assert_eq!(parse_cpu("   "), Err(QuantityError::Empty));
    for bad in [
        "abc", "m", "1.2.3", "10 Mi", "5mi", "1e", "1ee3", "Gi", ".", "1Xi", "--1", "1e99999",
    ] {
        assert!(
            matches!(parse_memory(bad), Err(QuantityError::Invalid(_))),
            "{bad}: {:?}",
            parse_memory(bad)
        );
    }
    assert!(matches!(parse_cpu("-1"), Err(QuantityError::Negative(_))));
    assert!(matches!(
        parse_memory("100Ei"),
        Err(QuantityError::TooLarge(_))
    ));
    assert!(matches!(
        parse_memory("1e30"),
        Err(QuantityError::TooLarge(_))
    ));
    assert!(matches!(
        parse_memory(&"9".repeat(40)),
        Err(QuantityError::TooLarge(_))
    ));
    assert_eq!(parse_cpu("-0"), Ok(0));
    assert_eq!(parse_cpu(&format!("0.{}1", "0".repeat(60))), Ok(1));
}

#[test]
fn formatting() {
    assert_eq!(format_cpu(1200), "1200m");
    assert_eq!(format_cpu(0), "0");
    assert_eq!(format_memory(1216 << 20), "1216Mi");
    assert_eq!(format_memory(2 << 30), "2Gi");
    assert_eq!(format_memory(128_000_000), "128M");
    assert_eq!(format_memory(1_280_000_001), "1.19Gi");
    assert_eq!(format_memory(512), "512");
    assert_eq!(format_memory(0), "0");
    // Round trip.
    for q in ["256Mi", "1Gi", "100k", "1536Mi"] {
        let b = parse_memory(q).unwrap();
        assert_eq!(parse_memory(&format_memory(b)), Ok(b));
    }
}
