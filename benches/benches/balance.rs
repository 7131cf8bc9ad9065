//! The load-sharing planner on generated workloads (`synthetic_input`):
//! 200 and 1,000 jobs over centres nord and sued, normal and with nord
//! down for the first 30 hours, and 1,000 jobs with every deadline five
//! times closer (most jobs late, hundreds split: the planner's worst
//! case). The target: under 1 s for 1,000 jobs.
//!
//! `cargo bench -p tandem-benches --bench balance`

use criterion::{Criterion, criterion_group, criterion_main};
use tandem_balance::{BalanceInput, Downtime, HOUR, plan, synthetic_input};

fn with_nord_down(mut input: BalanceInput) -> BalanceInput {
    let start = input.start;
    input.centres[0].down.push(Downtime {
        from: start,
        until: start + 30 * HOUR,
    });
    input
}

/// Every deadline five times closer to the start.
fn overloaded(mut input: BalanceInput) -> BalanceInput {
    let start = input.start;
    for job in &mut input.jobs {
        job.deadline = start + (job.deadline - start) / 5;
    }
    input
}

fn balance(c: &mut Criterion) {
    let mut group = c.benchmark_group("balance");
    group.sample_size(20);
    for jobs in [200, 1000] {
        let input = synthetic_input(jobs, 1);
        group.bench_function(format!("plan_{jobs}_jobs"), |b| {
            b.iter(|| plan(&input).expect("plan"))
        });
        let down = with_nord_down(synthetic_input(jobs, 1));
        group.bench_function(format!("plan_{jobs}_jobs_nord_down_30h"), |b| {
            b.iter(|| plan(&down).expect("plan"))
        });
    }
    let stress = overloaded(synthetic_input(1000, 1));
    group.bench_function("plan_1000_jobs_overloaded", |b| {
        b.iter(|| plan(&stress).expect("plan"))
    });
    group.finish();
}

criterion_group!(benches, balance);
criterion_main!(benches);
