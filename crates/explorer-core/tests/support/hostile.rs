//! The hostile-input corpus, made at test time (a 25 MB file is not checked in): each entry
//! is a name, the bytes of one file, and what must come of it. Shared by the native test
//! (`tests/hostile.rs`) and the browser's (`tests/wasm.rs` of the SPA), so both run the same
//! inputs through the same core.
#![allow(dead_code)]

/// What loading an input must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// At least this many objects load.
    Loads(usize),
    /// No object loads, and the (first) error message holds this text.
    Refused(&'static str),
}

pub struct Hostile {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

fn lcg(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed >> 33
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\n";

pub fn corpus() -> Vec<Hostile> {
    let deep = 100_000;
    let mut v = Vec::new();
    v.push(Hostile {
        name: "flow nesting 100,000 deep",
        bytes: format!("{CM}data: {}{}\n", "[".repeat(deep), "]".repeat(deep)).into_bytes(),
        expect: Expect::Refused("nested more than 128 levels"),
    });
    v.push(Hostile {
        name: "flow mappings 100,000 deep",
        bytes: format!("{CM}data: {}x{}\n", "{a: ".repeat(deep), "}".repeat(deep)).into_bytes(),
        expect: Expect::Refused("nested more than 128 levels"),
    });
    v.push(Hostile {
        name: "block sequences 100,000 deep",
        bytes: format!("{}x\n", "- ".repeat(deep)).into_bytes(),
        expect: Expect::Refused("nested more than 128 levels"),
    });
    v.push(Hostile {
        name: "unclosed brackets 100,000 deep",
        bytes: format!("{CM}data: {}\n", "[".repeat(deep)).into_bytes(),
        expect: Expect::Refused("nested more than 128 levels"),
    });
    let mut bomb = format!(
        "{CM}metadata: {{name: lol}}\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    );
    for i in 1..12 {
        let refs = vec![format!("*l{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    bomb.push_str("data: {bomb: *l11}\n");
    v.push(Hostile {
        name: "alias bomb (9^12 nodes)",
        bytes: bomb.into_bytes(),
        expect: Expect::Refused("alias bomb"),
    });
    let documents = |n: usize| {
        let mut text = String::with_capacity(n * 60);
        for i in 0..n {
            text.push_str(&format!("---\n{CM}metadata: {{name: cm-{i}}}\n"));
        }
        text.into_bytes()
    };
    v.push(Hostile {
        name: "50,000 documents",
        bytes: documents(50_000),
        expect: Expect::Refused("too many documents: 50000"),
    });
    v.push(Hostile {
        name: "20,000 documents (the most loaded)",
        bytes: documents(20_000),
        expect: Expect::Loads(20_000),
    });
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    let mut big = String::with_capacity(25_000_100);
    big.push_str(CM);
    big.push_str("metadata: {name: big}\n");
    while big.len() < 25_000_000 {
        big.push_str(line);
    }
    v.push(Hostile {
        name: "25 MB",
        bytes: big.into_bytes(),
        expect: Expect::Refused("input too large"),
    });
    let mut bad = format!("{CM}metadata: {{name: latin1}}\ndata: {{k: caf").into_bytes();
    bad.extend_from_slice(&[0xe9, b'}', b'\n']);
    v.push(Hostile {
        name: "invalid UTF-8",
        bytes: bad,
        expect: Expect::Refused("not UTF-8 text"),
    });
    let mut seed = 42u64;
    let junk: Vec<u8> = (0..1_000_000).map(|_| lcg(&mut seed) as u8).collect();
    v.push(Hostile {
        name: "binary junk (1 MB)",
        bytes: junk,
        expect: Expect::Refused("not UTF-8 text"),
    });
    let controls: String = (0..100_000)
        .map(|_| char::from_u32((lcg(&mut seed) % 0x7f) as u32).unwrap_or('x'))
        .collect();
    v.push(Hostile {
        name: "control-character junk (valid UTF-8)",
        bytes: controls.into_bytes(),
        expect: Expect::Refused(""),
    });
    v.push(Hostile {
        name: "tabs as indentation",
        bytes: format!("{CM}metadata:\n\tname: tabbed\n").into_bytes(),
        expect: Expect::Refused("a tab indents this line"),
    });
    v.push(Hostile {
        name: "duplicate keys",
        bytes: format!("{CM}metadata:\n  name: a\n  name: b\n").into_bytes(),
        expect: Expect::Refused("duplicate key \"name\""),
    });
    v.push(Hostile {
        name: "bare scalar",
        bytes: b"just a sentence\n".to_vec(),
        expect: Expect::Refused("the document is a bare scalar"),
    });
    v.push(Hostile {
        name: "bare list",
        bytes: b"- a\n- b\n".to_vec(),
        expect: Expect::Refused("the document is a list"),
    });
    v
}
