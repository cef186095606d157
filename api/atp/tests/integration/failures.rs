//! Failures: an import killed with SIGKILL half-way leaves the database as it
//! was; a database that goes away and comes back is survived without a
//! restart (reads keep being served, writes get 503).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on broken setup"
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{StoreUrl as _, TestDb, spawn_server};
use atp::synthetic::{self, SyntheticSpec};
use atp_store::{DatabaseUrl, Store};

/// What an observer of the database sees.
#[derive(Debug, PartialEq)]
struct Snapshot {
    datasets: Vec<(String, i64, String)>,
    rows: i64,
    version: i64,
}

fn snapshot(url: &DatabaseUrl) -> Snapshot {
    let store = Store::open(url, 1).unwrap();
    Snapshot {
        datasets: store
            .datasets()
            .unwrap()
            .into_iter()
            .map(|d| (d.info.id, d.row_count, d.checksum))
            .collect(),
        rows: store.observation_count().unwrap(),
        version: store.data_version().unwrap(),
    }
}

fn synthetic_csv(dir: &Path) -> (PathBuf, usize) {
    let spec = SyntheticSpec::LOAD_TEST;
    let path = dir.join("synthetic.csv");
    let file = std::fs::File::create(&path).unwrap();
    let rows = synthetic::write_csv(&spec, "synthetic", std::io::BufWriter::new(file)).unwrap();
    (path, rows)
}

fn sigkill_in_the_middle_of_an_import_changes_nothing(db: &TestDb) {
    Store::open(&db.store_url(), 1).unwrap();
    let before = snapshot(&db.store_url());
    let dir = tempfile::tempdir().unwrap();
    let (csv, rows) = synthetic_csv(dir.path());

    let mut child = Command::new(atp_testkit::atp_bin!())
        .args(["import", "--dataset", "synthetic"])
        .arg(&csv)
        .env("ATP_DATABASE_URL", &db.url)
        .env("ATP_LOG", "info,atp_store=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill it once it has written rows inside its transaction, not before.
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut killed_at = None;
    for line in lines.map_while(Result::ok) {
        if line.contains("rows written, not yet committed") {
            killed_at = Some(line);
            child.kill().unwrap(); // SIGKILL
            break;
        }
    }
    let status = child.wait().unwrap();
    let killed_at = killed_at.expect("the import logged progress before finishing");
    assert!(!status.success(), "killed: {status:?}");
    assert!(killed_at.contains(&format!("total={rows}")), "{killed_at}");

    // Exactly as before: no dataset, no rows, same data version.
    assert_eq!(
        snapshot(&db.store_url()),
        before,
        "after SIGKILL at: {killed_at}"
    );
    // And nothing is left locked: the same import now succeeds.
    let out = Command::new(atp_testkit::atp_bin!())
        .args(["import", "--dataset", "synthetic"])
        .arg(&csv)
        .env("ATP_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = snapshot(&db.store_url());
    assert_eq!(after.rows, before.rows + rows as i64);
    assert_eq!(after.version, before.version + 1);
}

atp_testkit::on_both_databases!(sigkill_in_the_middle_of_an_import_changes_nothing);

/// A PostgreSQL cluster of the test's own, on a free port, stopped and
/// removed on drop.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn as_postgres_user(bin: &Path, tool: &str) -> Command {
    // initdb refuses to run as root: run the tools as the `postgres` user
    // when we are root.
    let root = std::env::var("USER").map_or_else(|_| is_root(), |u| u == "root" || is_root());
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let Some(bin) = postgres_bin() else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true and no PostgreSQL server binaries (initdb) under /usr/lib/postgresql"
            );
            eprintln!("skipping: no initdb under /usr/lib/postgresql");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("atp-pg-")
            .tempdir()
            .unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = as_postgres_user(&bin, "initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(dir.path().join("data"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cluster = Cluster { dir, bin, port };
        cluster.pg_ctl_start();
        Some(cluster)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let out = as_postgres_user(&self.bin, "pg_ctl")
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(self.dir.path().join("data"))
            .args(["-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn pg_ctl_stop(&self) {
        let out = as_postgres_user(&self.bin, "pg_ctl")
            .args(["stop", "-w", "-m", "fast", "-D"])
            .arg(self.dir.path().join("data"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres_user(&self.bin, "pg_ctl")
            .args(["stop", "-m", "immediate", "-D"])
            .arg(self.dir.path().join("data"))
            .output();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get(url: &str) -> (u16, Option<String>, serde_json::Value) {
    let mut r = agent().get(url).call().unwrap();
    let stale = r
        .headers()
        .get("x-data-stale")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = r.body_mut().read_to_string().unwrap();
    (
        r.status().as_u16(),
        stale,
        serde_json::from_str(&body).unwrap_or_default(),
    )
}

fn readiness(server: &crate::common::Server) -> String {
    get(&server.url("/readyz")).2["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits (bounded) until the server's readiness is `want`.
fn wait_until_ready_is(server: &crate::common::Server, want: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if readiness(server) == want {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "readiness never became {want:?} within {within:?}"
        );
        // The refresher logs each change of the database's state.
        server.wait_for_log("database", Duration::from_millis(100));
    }
}

#[test]
fn the_service_survives_a_database_outage_and_recovers_by_itself() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let server = spawn_server(
        &[
            ("ATP_DATABASE_URL", &cluster.url()),
            ("ATP_WRITE_TOKEN", "t"),
            ("ATP_REFRESH_INTERVAL", "100ms"),
        ],
        &[],
        &[],
    );
    let korea = server.url("/v1/imports?partner=KR&group=all&year=2024");
    let (status, stale, before) = get(&korea);
    assert_eq!((status, stale), (200, None));
    assert_eq!(readiness(&server), "ready");
    let upload = |dataset: &str| {
        let mut r = agent()
            .post(&server.url(&format!("/v1/datasets?dataset={dataset}")))
            .header("Authorization", "Bearer t")
            .content_type("text/csv")
            .send(format!(
                "dataset,group,partner,year,flow,value_usd,status,citation\n\
                 {dataset},biotechnology,KR,2024,imports,1,reported,test\n"
            ))
            .unwrap();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        (
            r.status().as_u16(),
            ct,
            r.body_mut().read_to_string().unwrap(),
        )
    };

    // The database goes away.
    cluster.pg_ctl_stop();
    let noticed = wait_until_ready_is(&server, "degraded", Duration::from_secs(30));
    eprintln!("the outage was noticed after {noticed:?}");
    // The documented bound: refresh_interval (100 ms here) + probe_timeout
    // (1 s), with room for a loaded machine.
    assert!(noticed < Duration::from_secs(5), "{noticed:?}");
    let (status, stale, during) = get(&korea);
    assert_eq!(status, 200, "reads are served from the last loaded data");
    assert_eq!(stale.as_deref(), Some("true"), "and say so");
    assert_eq!(during["data"], before["data"]);
    let ready = get(&server.url("/readyz")).2;
    assert_eq!(ready["database"], "unreachable");
    let (status, ct, body) = upload("during-outage");
    assert_eq!(status, 503, "{body}");
    assert_eq!(ct.as_deref(), Some("application/problem+json"));

    // It comes back: the service recovers without a restart.
    cluster.pg_ctl_start();
    let recovered = wait_until_ready_is(&server, "ready", Duration::from_secs(30));
    eprintln!("recovered {recovered:?} after the database returned");
    let (status, stale, _) = get(&korea);
    assert_eq!((status, stale), (200, None));
    let (status, _, body) = upload("after-outage");
    assert_eq!(status, 201, "{body}");
    assert_eq!(get(&server.url("/v1/datasets/after-outage")).0, 200);
    assert_eq!(get(&server.url("/v1/datasets/during-outage")).0, 404);
}

impl Cluster {
    /// The postmaster and every process it started (the backends, the
    /// background workers), from /proc.
    fn processes(&self) -> Vec<u32> {
        let pid_file =
            std::fs::read_to_string(self.dir.path().join("data/postmaster.pid")).unwrap();
        let postmaster: u32 = pid_file.lines().next().unwrap().trim().parse().unwrap();
        let mut pids = vec![postmaster];
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // The parent's pid is the second field after the command name.
            let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            let ppid = after_name
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(postmaster) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Sends `signal` (`STOP`, `CONT`) to every process of the cluster.
    fn signal(&self, signal: &str) {
        for pid in self.processes() {
            let status = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(pid.to_string())
                .status()
                .unwrap();
            assert!(status.success(), "kill -{signal} {pid}");
        }
    }
}

/// A database that hangs (its processes stopped with SIGSTOP: connections
/// stay open, nothing answers) is noticed by the health probe's own
/// deadline; reads are served from memory and say so, writes answer 503
/// within `write_timeout`; after SIGCONT it is used again, no restart.
#[test]
fn a_hung_database_is_noticed_and_writes_answer_in_bounded_time() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    const WRITE_TIMEOUT: Duration = Duration::from_secs(2);
    let server = spawn_server(
        &[
            ("ATP_DATABASE_URL", &cluster.url()),
            ("ATP_WRITE_TOKEN", "t"),
            ("ATP_REFRESH_INTERVAL", "300ms"),
            ("ATP_PROBE_TIMEOUT", "500ms"),
            ("ATP_WRITE_TIMEOUT", "2s"),
        ],
        &[],
        &[],
    );
    let korea = server.url("/v1/imports?partner=KR&group=all&year=2024");
    let (status, _, before) = get(&korea);
    assert_eq!(status, 200);
    assert_eq!(readiness(&server), "ready");
    let upload = |dataset: &str| {
        let started = Instant::now();
        let mut r = agent()
            .post(&server.url(&format!("/v1/datasets?dataset={dataset}")))
            .header("Authorization", "Bearer t")
            .content_type("text/csv")
            .send(format!(
                "dataset,group,partner,year,flow,value_usd,status,citation\n\
                 {dataset},biotechnology,KR,2024,imports,1,reported,test\n"
            ))
            .unwrap();
        let status = r.status().as_u16();
        let body = r.body_mut().read_to_string().unwrap();
        (status, started.elapsed(), body)
    };

    cluster.signal("STOP");
    // A write at once, before the probe may have noticed: it waits on the
    // database, and is answered 503 within the write timeout.
    let (status, took, body) = upload("while-hung");
    eprintln!("a write to the hung database was answered {status} after {took:?}");
    assert_eq!(status, 503, "{body}");
    assert!(took < WRITE_TIMEOUT + Duration::from_secs(3), "{took:?}");
    let noticed = wait_until_ready_is(&server, "degraded", Duration::from_secs(30));
    eprintln!("the hang was noticed {noticed:?} after that write");
    let metrics = agent()
        .get(&server.url("/metrics"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(
        metrics.contains("atp_database_up 0"),
        "the gauge says so too"
    );
    let (status, stale, during) = get(&korea);
    assert_eq!((status, stale.as_deref()), (200, Some("true")));
    assert_eq!(during["data"], before["data"]);
    // Known to be down: a write is refused at once.
    let (status, took, body) = upload("while-known-hung");
    assert_eq!(status, 503, "{body}");
    assert!(took < WRITE_TIMEOUT, "{took:?}");

    cluster.signal("CONT");
    let recovered = wait_until_ready_is(&server, "ready", Duration::from_secs(30));
    eprintln!("recovered {recovered:?} after SIGCONT");
    let (status, _, body) = upload("after-hang");
    assert_eq!(status, 201, "{body}");
    // The write answered 503 during the hang was not lost half-way: it is
    // there whole (it went through once the database resumed) or not at all.
    let (status, _, hung) = get(&server.url("/v1/datasets/while-hung"));
    match status {
        200 => assert_eq!(hung["data"]["row_count"], 1, "{hung}"),
        404 => {}
        other => panic!("{other}: {hung}"),
    }
    assert_eq!(get(&server.url("/v1/datasets/while-known-hung")).0, 404);
}

/// The built-in datasets live in the binary, not in the database: a new
/// database, or one emptied behind the service's back, serves them and
/// comes back ready; `atp seed` (a deployment's job) migrates and writes no
/// built-in rows.
fn the_service_comes_back_ready_after_losing_its_built_in_dataset(db: &TestDb) {
    let first = spawn_server(&[("ATP_DATABASE_URL", &db.url)], &[], &[]);
    assert_eq!(readiness(&first), "ready");
    drop(first);
    let store = Store::open(&db.store_url(), 1).unwrap();
    assert_eq!(
        store.observation_count().unwrap(),
        0,
        "nothing built in is stored"
    );
    assert!(
        !store
            .delete_dataset(atp_core::builtin::BRIEF_DATASET_ID)
            .unwrap()
    );
    let again = spawn_server(&[("ATP_DATABASE_URL", &db.url)], &[], &[]);
    assert_eq!(readiness(&again), "ready");
    let (status, _, korea) = get(&again.url("/v1/imports?partner=KR&group=all&year=2024"));
    assert_eq!(status, 200);
    assert_eq!(korea["data"][0]["value_usd"], 29_000_000_000_i64);
    drop(again);
    let out = Command::new(atp_testkit::atp_bin!())
        .arg("seed")
        .env("ATP_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(store.observation_count().unwrap(), 0);
}

atp_testkit::on_both_databases!(the_service_comes_back_ready_after_losing_its_built_in_dataset);
