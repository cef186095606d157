//! Reads a country.xlsx and prints what the importer makes of it.
#![allow(clippy::print_stdout, clippy::unwrap_used)]
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let t = std::time::Instant::now();
    let book = atp_ingest::census::country::parse_country_workbook(&path, &bytes);
    println!("parsed in {:?}", t.elapsed());
    match book {
        Ok(b) => {
            println!(
                "rows {} obs {} last {} extra {}",
                b.rows_read,
                b.observations.len(),
                b.last_month,
                b.extra_partners.len()
            );
            for n in &b.notes {
                println!("note: {n}");
            }
            for k in [
                "imports/all-goods/KR/2017-01",
                "imports/all/WLD/2017-01",
                "imports/all/WLD/2024-06",
                "imports/all/WLD/2024-07",
                "exports/all/WLD/2014",
                "imports/all/WLD/2014",
            ] {
                let v = b.observations.iter().find(|o| o.key.to_string() == k);
                println!(
                    "{k}: {:?}",
                    v.map(|o| (
                        o.value_usd,
                        o.provenance.status,
                        &o.provenance.citation.section
                    ))
                );
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
