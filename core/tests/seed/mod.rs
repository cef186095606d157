//! The source brief, for tests that check quotes against its exact text.

use std::path::PathBuf;

/// The seed documents sit beside the repository in `shared/seeds/` (or in
/// `$ATP_SEEDS_DIR`, or the workplace's `/work/shared/seeds` when the
/// checkout is elsewhere).
pub fn seed_text() -> Option<String> {
    const NAME: &str = "000_d9baf60aa22fe0de.txt";
    let candidates: Vec<PathBuf> = std::env::var_os("ATP_SEEDS_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds"),
            PathBuf::from("/work/shared/seeds"),
        ])
        .map(|dir| dir.join(NAME))
        .collect();
    let path = candidates
        .iter()
        .find(|p| p.is_file())
        .unwrap_or(&candidates[0])
        .clone();
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "CI=true and the brief is not readable at {}: {e}",
                path.display()
            )
        }
        Err(e) => {
            eprintln!(
                "skipping: the brief is not readable at {}: {e}",
                path.display()
            );
            None
        }
    }
}
