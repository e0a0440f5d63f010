//! Deterministic pseudo-random numbers (PCG-style LCG), no `rand` needed.
//! Shared by `tests/layout.rs` and `examples/layout_bench.rs` (via `#[path]`).

pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
