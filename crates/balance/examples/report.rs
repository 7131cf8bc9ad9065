//! Plans the generated workload and prints the plan's makespan and total
//! lateness next to the lower bounds, and the planner's time.
//!
//! `cargo run --release -p tandem-balance --example report -- [JOBS] [SEED] [SVG] [NORD_DOWN_HOURS]`
//!
//! With `NORD_DOWN_HOURS`, centre nord is down for that long from the start.

use std::time::Instant;

use tandem_balance::{Downtime, HOUR, plan, synthetic_input};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let jobs: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |a| a.parse())?;
    let svg = args.next().filter(|s| !s.is_empty() && s != "-");
    let down_hours: i64 = args.next().map_or(Ok(0), |a| a.parse())?;
    let mut input = synthetic_input(jobs, seed);
    if std::env::var_os("EARLIEST_FINISH").is_some() {
        input.prefer_location = false;
        println!("policy: earliest finish");
    }
    if down_hours > 0 {
        input.centres[0].down.push(Downtime {
            from: input.start,
            until: input.start + down_hours * HOUR,
        });
        println!("nord down for the first {down_hours} h");
    }
    let pieces: usize = input.jobs.iter().map(|j| j.pieces.len()).sum();
    let started = Instant::now();
    let plan = plan(&input)?;
    let elapsed = started.elapsed();
    let h = |s: i64| s as f64 / HOUR as f64;
    println!(
        "jobs {jobs} (seed {seed}), pieces {pieces}, planned in {:.1} ms",
        elapsed.as_secs_f64() * 1e3
    );
    println!(
        "makespan        {:8.1} h   lower bound {:8.1} h (capacity {:.1} h, slowest job alone {:.1} h)",
        h(plan.makespan_s),
        h(plan.bounds.makespan_s),
        h(plan.bounds.capacity_makespan_s),
        h(plan.bounds.job_makespan_s)
    );
    println!(
        "total lateness  {:8.1} h   lower bound {:8.1} h",
        h(plan.total_lateness_s),
        h(plan.bounds.total_lateness_s)
    );
    println!(
        "late jobs {}, split jobs {}, parts below presort {}, moved parts {}, unplaced {}",
        plan.late_jobs,
        plan.split_jobs,
        plan.below_presort_parts,
        plan.assignments.iter().filter(|a| a.moved).count(),
        plan.unplaced.len()
    );
    for c in &plan.centres {
        println!(
            "  {}: {} parts, printer busy {:.1} h, inserter busy {:.1} h",
            c.centre,
            c.parts.len(),
            h(c.printer_busy_s),
            h(c.inserter_busy_s)
        );
    }
    if let Some(path) = svg {
        std::fs::write(&path, plan.to_svg())?;
        std::fs::write(format!("{path}.csv"), plan.to_csv())?;
        println!("wrote {path}");
    }
    Ok(())
}
