//! The plan as CSV (one line per job part) and as an SVG timeline an
//! operator opens instead of reading JSON.

use std::fmt::Write as _;

use crate::model::{Assignment, BalancePlan};
use crate::planner::human;
use crate::time::{DAY, HOUR, Time, day_label, format_rfc3339, short_time};

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn status(a: &Assignment) -> &'static str {
    if a.late_by_s > 0 { "late" } else { "on-time" }
}

impl BalancePlan {
    /// The plan as CSV: a header, one line per job part (planning order),
    /// then one line per unplaced job (status `unplaced`, no centre). Times
    /// are RFC 3339 at the plan's display offset.
    pub fn to_csv(&self) -> String {
        let t = |time: Time| format_rfc3339(time, self.display_offset_s);
        let mut out = String::from(
            "job,part,parts,centre,moved,status,pieces_from,pieces_to,first_piece,last_piece,pages,envelopes,below_presort,print_start,print_end,insert_start,insert_end,deadline,late_by_min,reason\n",
        );
        for a in &self.assignments {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&a.job),
                a.part,
                a.parts,
                csv_field(&a.centre),
                a.moved,
                status(a),
                a.pieces_from,
                a.pieces_to,
                csv_field(&a.first_piece),
                csv_field(&a.last_piece),
                a.pages,
                a.envelopes,
                a.below_presort,
                t(a.print_start),
                t(a.print_end),
                t(a.insert_start),
                t(a.insert_end),
                t(a.deadline),
                (a.late_by_s + 59) / 60,
                csv_field(&a.reason)
            );
        }
        for u in &self.unplaced {
            let _ = writeln!(
                out,
                "{},0,0,,false,unplaced,,,,,,,false,,,,,,,{}",
                csv_field(&u.job),
                csv_field(&u.reason)
            );
        }
        out
    }

    /// The plan as an SVG timeline: one lane per centre with a printer and
    /// an inserter row, shifts shaded, downtime hatched, one bar per job
    /// part (blue at its own centre, teal when moved, orange-red when late,
    /// dashed outline below a presort threshold; hover for the reason),
    /// deadline ticks above the rows, a time axis, a legend, and the late
    /// and unplaced jobs listed underneath.
    pub fn to_svg(&self) -> String {
        Svg::new(self).render()
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const WIDTH: f64 = 1600.0;
const LEFT: f64 = 170.0;
const RIGHT: f64 = 30.0;
const ROW: f64 = 30.0;
const TICKS: f64 = 14.0;
const LANE_GAP: f64 = 26.0;
const TOP: f64 = 96.0;

const OWN: &str = "#4c78a8";
const MOVED: &str = "#2a9d8f";
const LATE: &str = "#e8590c";
const SHIFT: &str = "#eef3ea";

struct Svg<'a> {
    plan: &'a BalancePlan,
    from: Time,
    until: Time,
    offset: i64,
}

impl<'a> Svg<'a> {
    fn new(plan: &'a BalancePlan) -> Self {
        let offset = plan.display_offset_s;
        let last = plan
            .assignments
            .iter()
            .flat_map(|a| [a.end(), a.deadline])
            .chain(plan.centres.iter().map(|c| c.backlog_until))
            .max()
            .unwrap_or(plan.start)
            .max(plan.start + HOUR);
        // Whole local days, or whole hours for short plans.
        let (from, until) = if last - plan.start > 2 * DAY {
            let floor = |t: Time| (t + offset).div_euclid(DAY) * DAY - offset;
            (floor(plan.start), floor(last) + DAY)
        } else {
            let floor = |t: Time| (t + offset).div_euclid(HOUR) * HOUR - offset;
            (floor(plan.start), floor(last) + HOUR)
        };
        Self {
            plan,
            from,
            until,
            offset,
        }
    }

    fn x(&self, t: Time) -> f64 {
        let span = (self.until - self.from).max(1) as f64;
        LEFT + (t.clamp(self.from, self.until) - self.from) as f64 / span * (WIDTH - LEFT - RIGHT)
    }

    fn render(&self) -> String {
        let plan = self.plan;
        let lane_h = TICKS + 2.0 * ROW;
        let lanes_h = plan.centres.len() as f64 * (lane_h + LANE_GAP);
        let late: Vec<&Assignment> = plan
            .assignments
            .iter()
            .filter(|a| a.late_by_s > 0)
            .collect();
        let list_lines = late.len().min(12) + plan.unplaced.len().min(12) + 3;
        let height = TOP + lanes_h + 70.0 + list_lines as f64 * 16.0;
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            s,
            r##"<defs><pattern id="down" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#fde2e2"/><line x1="0" y1="0" x2="0" y2="8" stroke="#c92a2a" stroke-width="3"/></pattern></defs>"##
        );
        let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
        // Title and figures.
        let b = &plan.bounds;
        let _ = writeln!(
            s,
            r#"<text x="16" y="26" font-size="18" font-weight="bold">Tandem balance plan from {}</text>"#,
            esc(&format_rfc3339(plan.start, self.offset))
        );
        let jobs: std::collections::BTreeSet<&str> =
            plan.assignments.iter().map(|a| a.job.as_str()).collect();
        let _ = writeln!(
            s,
            r#"<text x="16" y="48">{} jobs placed ({} split, {} parts below presort), {} late, {} unplaced · hand-over {}</text>"#,
            jobs.len(),
            plan.split_jobs,
            plan.below_presort_parts,
            plan.late_jobs,
            plan.unplaced.len(),
            human(plan.handover_s)
        );
        let _ = writeln!(
            s,
            r#"<text x="16" y="66">makespan {} (lower bound {}) · total lateness {} (lower bound {})</text>"#,
            human(plan.makespan_s),
            human(b.makespan_s),
            human(plan.total_lateness_s),
            human(b.total_lateness_s)
        );
        self.axis(&mut s, TOP - 8.0, TOP + lanes_h - LANE_GAP);
        for (n, centre) in plan.centres.iter().enumerate() {
            let y0 = TOP + n as f64 * (lane_h + LANE_GAP);
            let rows = y0 + TICKS;
            // Lane background: shifts shaded, downtime hatched.
            let _ = writeln!(
                s,
                r##"<rect x="{LEFT}" y="{rows}" width="{:.1}" height="{:.1}" fill="#fafafa" stroke="#999"/>"##,
                WIDTH - LEFT - RIGHT,
                2.0 * ROW
            );
            for &(a, e) in &centre.shifts {
                if e <= self.from || a >= self.until {
                    continue;
                }
                let (xa, xe) = (self.x(a), self.x(e));
                let _ = writeln!(
                    s,
                    r#"<rect x="{xa:.1}" y="{rows}" width="{:.1}" height="{:.1}" fill="{SHIFT}"/>"#,
                    (xe - xa).max(0.5),
                    2.0 * ROW
                );
            }
            for &(a, e) in &centre.down {
                if e <= self.from || a >= self.until {
                    continue;
                }
                let (xa, xe) = (self.x(a), self.x(e));
                let _ = writeln!(
                    s,
                    r#"<rect x="{xa:.1}" y="{rows}" width="{:.1}" height="{:.1}" fill="url(#down)" opacity="0.8"><title>{} down {} – {}</title></rect>"#,
                    (xe - xa).max(1.0),
                    2.0 * ROW,
                    esc(&centre.centre),
                    short_time(a, self.offset),
                    short_time(e, self.offset)
                );
            }
            if centre.backlog_until > plan.start {
                let (xa, xe) = (self.x(plan.start), self.x(centre.backlog_until));
                let _ = writeln!(
                    s,
                    r##"<rect x="{xa:.1}" y="{rows}" width="{:.1}" height="{:.1}" fill="#bbb"><title>backlog until {}</title></rect>"##,
                    (xe - xa).max(1.0),
                    2.0 * ROW,
                    short_time(centre.backlog_until, self.offset)
                );
            }
            let _ = writeln!(
                s,
                r##"<line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#ccc"/>"##,
                rows + ROW,
                WIDTH - RIGHT,
                rows + ROW
            );
            // Labels.
            let parts = centre.parts.len();
            let late_here = centre
                .parts
                .iter()
                .filter(|&&i| plan.assignments[i].late_by_s > 0)
                .count();
            let _ = writeln!(
                s,
                r#"<text x="12" y="{:.1}" font-size="15" font-weight="bold">{}</text>"#,
                rows + 14.0,
                esc(&centre.centre)
            );
            let _ = writeln!(
                s,
                r##"<text x="12" y="{:.1}" font-size="11" fill="#555">{parts} parts, {late_here} late</text>"##,
                rows + 30.0
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#555" text-anchor="end">printer</text>"##,
                LEFT - 6.0,
                rows + ROW / 2.0 + 4.0
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#555" text-anchor="end">inserter</text>"##,
                LEFT - 6.0,
                rows + 1.5 * ROW + 4.0
            );
            // Deadline ticks of the parts here.
            let mut deadlines: Vec<(Time, bool)> = centre
                .parts
                .iter()
                .map(|&i| {
                    (
                        plan.assignments[i].deadline,
                        plan.assignments[i].late_by_s > 0,
                    )
                })
                .collect();
            deadlines.sort_unstable();
            deadlines.dedup();
            for (d, late) in deadlines {
                if d < self.from || d > self.until {
                    continue;
                }
                let x = self.x(d);
                let colour = if late { "#c92a2a" } else { "#333" };
                let _ = writeln!(
                    s,
                    r#"<path d="M{:.1},{y0:.1} L{:.1},{y0:.1} L{x:.1},{:.1} Z" fill="{colour}"><title>deadline {}</title></path><line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="{colour}" stroke-width="1" stroke-dasharray="2,2"/>"#,
                    x - 5.0,
                    x + 5.0,
                    y0 + TICKS - 2.0,
                    short_time(d, self.offset),
                    rows,
                    rows + 2.0 * ROW
                );
            }
            // Bars.
            self.row(&mut s, &centre.parts, false, rows + 3.0);
            self.row(&mut s, &centre.parts, true, rows + ROW + 3.0);
        }
        let y = TOP + lanes_h + 4.0;
        self.legend(&mut s, y);
        // Late and unplaced jobs, in words.
        let mut y = y + 48.0;
        if !late.is_empty() {
            let _ = writeln!(
                s,
                r##"<text x="16" y="{y:.1}" font-weight="bold" fill="{LATE}">Late ({}):</text>"##,
                late.len()
            );
            for a in late.iter().take(12) {
                y += 16.0;
                let _ = writeln!(
                    s,
                    r#"<text x="28" y="{y:.1}" font-size="11">{} part {}/{} at {}: ends {}, {} late — {}</text>"#,
                    esc(&a.job),
                    a.part,
                    a.parts,
                    esc(&a.centre),
                    short_time(a.end(), self.offset),
                    human(a.late_by_s),
                    esc(&truncate(&a.reason, 150))
                );
            }
            if late.len() > 12 {
                y += 16.0;
                let _ = writeln!(
                    s,
                    r#"<text x="28" y="{y:.1}" font-size="11">… and {} more (see plan.csv)</text>"#,
                    late.len() - 12
                );
            }
            y += 20.0;
        }
        if !plan.unplaced.is_empty() {
            let _ = writeln!(
                s,
                r##"<text x="16" y="{y:.1}" font-weight="bold" fill="#c92a2a">Not placed ({}):</text>"##,
                plan.unplaced.len()
            );
            for u in plan.unplaced.iter().take(12) {
                y += 16.0;
                let _ = writeln!(
                    s,
                    r#"<text x="28" y="{y:.1}" font-size="11">{}: {}</text>"#,
                    esc(&u.job),
                    esc(&truncate(&u.reason, 190))
                );
            }
        }
        s.push_str("</svg>\n");
        s
    }

    /// Draws one machine row of a centre: every part's bars, then the
    /// labels — inside a bar where it fits, else beside it where the row is
    /// free up to the next bar, else none (the tooltip and the CSV have it).
    fn row(&self, s: &mut String, parts: &[usize], insert: bool, y: f64) {
        let plan = self.plan;
        // (x, width, part) of every bar, left to right.
        let mut rects: Vec<(f64, f64, usize)> = Vec::new();
        for &i in parts {
            let a = &plan.assignments[i];
            let segments = if insert {
                &a.insert_segments
            } else {
                &a.print_segments
            };
            let fill = if a.late_by_s > 0 {
                LATE
            } else if a.moved {
                MOVED
            } else {
                OWN
            };
            let stroke = if a.below_presort {
                r#" stroke="black" stroke-width="1.5" stroke-dasharray="4,2""#
            } else {
                r#" stroke="white" stroke-width="0.5""#
            };
            let title = format!(
                "{} at {}: print {} – {}, insert {} – {}, deadline {}{} — {}",
                label(a),
                a.centre,
                short_time(a.print_start, self.offset),
                short_time(a.print_end, self.offset),
                short_time(a.insert_start, self.offset),
                short_time(a.insert_end, self.offset),
                short_time(a.deadline, self.offset),
                if a.late_by_s > 0 {
                    format!(", {} LATE", human(a.late_by_s))
                } else {
                    String::new()
                },
                a.reason
            );
            for &(start, end) in segments {
                let (xa, xe) = (self.x(start), self.x(end));
                // At least 3 px, so a short part stays visible on a long plan.
                let w = (xe - xa).max(3.0);
                let _ = writeln!(
                    s,
                    r#"<rect x="{xa:.1}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{fill}"{stroke}><title>{}</title></rect>"#,
                    ROW - 6.0,
                    esc(&title)
                );
                rects.push((xa, w, i));
            }
        }
        rects.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        let mut labelled = std::collections::BTreeSet::new();
        let mut label_end = LEFT;
        let text_y = y + ROW / 2.0 + 1.0;
        for (k, &(xa, w, i)) in rects.iter().enumerate() {
            if labelled.contains(&i) {
                continue;
            }
            let a = &plan.assignments[i];
            // Bars drawn on top of this one (too short to tell apart) share
            // its label: `JOB +2`.
            let hidden: Vec<usize> = rects[k + 1..]
                .iter()
                .take_while(|r| r.0 < xa + w + 0.5)
                .map(|r| r.2)
                .filter(|j| *j != i && !labelled.contains(j))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let text = if hidden.is_empty() {
                label(a)
            } else {
                format!("{} +{}", label(a), hidden.len())
            };
            let text_w = text.chars().count() as f64 * 6.2 + 6.0;
            let next = rects[k + 1..]
                .iter()
                .find(|r| r.0 >= xa + w + 0.5)
                .map_or(WIDTH - RIGHT, |r| r.0)
                .min(WIDTH - RIGHT);
            let colour = if a.late_by_s > 0 { "#b03a00" } else { "#222" };
            if w > text_w {
                let _ = writeln!(
                    s,
                    r#"<text x="{:.1}" y="{text_y:.1}" font-size="11" fill="white">{}</text>"#,
                    xa + 3.0,
                    esc(&text)
                );
                label_end = xa + w;
            } else if xa + w >= label_end && next - (xa + w) >= text_w + 4.0 {
                let _ = writeln!(
                    s,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="14" fill="white" opacity="0.85"/><text x="{:.1}" y="{text_y:.1}" font-size="11" fill="{colour}">{}</text>"#,
                    xa + w + 1.0,
                    text_y - 10.0,
                    text_w - 2.0,
                    xa + w + 3.0,
                    esc(&text)
                );
                label_end = xa + w + text_w;
            } else if k == rects.len() - 1 && xa - text_w >= label_end + 4.0 {
                // The last bar, near the right edge: label before it.
                let _ = writeln!(
                    s,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="14" fill="white" opacity="0.85"/><text x="{:.1}" y="{text_y:.1}" font-size="11" fill="{colour}" text-anchor="end">{}</text>"#,
                    xa - text_w + 1.0,
                    text_y - 10.0,
                    text_w - 2.0,
                    xa - 3.0,
                    esc(&text)
                );
                label_end = xa + w;
            } else {
                label_end = label_end.max(xa + w);
                continue;
            }
            labelled.insert(i);
            labelled.extend(hidden);
        }
    }

    fn axis(&self, s: &mut String, y: f64, bottom: f64) {
        let span = self.until - self.from;
        let (major, minor) = if span > 20 * DAY {
            (7 * DAY, DAY)
        } else if span > 2 * DAY {
            (DAY, 6 * HOUR)
        } else if span > 8 * HOUR {
            (6 * HOUR, HOUR)
        } else {
            (HOUR, 15 * 60)
        };
        let local_floor =
            |t: Time, step: Time| (t + self.offset).div_euclid(step) * step - self.offset;
        let mut t = local_floor(self.from, minor);
        while t <= self.until {
            if t >= self.from {
                let x = self.x(t);
                let is_major = (t + self.offset).rem_euclid(major) == 0
                    || (major == 7 * DAY
                        && crate::time::weekday((t + self.offset).div_euclid(DAY)) == 0);
                let colour = if is_major { "#888" } else { "#ddd" };
                let _ = writeln!(
                    s,
                    r#"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="{colour}" stroke-width="0.6"/>"#
                );
                if is_major {
                    let label = if major >= DAY {
                        day_label(t, self.offset)
                    } else {
                        let local = (t + self.offset).rem_euclid(DAY);
                        if local == 0 {
                            day_label(t, self.offset)
                        } else {
                            format!("{:02}:{:02}", local / HOUR, (local % HOUR) / 60)
                        }
                    };
                    let _ = writeln!(
                        s,
                        r#"<text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
                        x + 2.0,
                        y - 2.0,
                        esc(&label)
                    );
                }
            }
            t += minor;
        }
        let x = self.x(self.plan.start);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="#1c7ed6" stroke-width="1.5"/>"##
        );
    }

    fn legend(&self, s: &mut String, y: f64) {
        let items: [(&str, String); 8] = [
            ("on time, own centre", format!(r#"fill="{OWN}""#)),
            ("on time, moved", format!(r#"fill="{MOVED}""#)),
            ("late", format!(r#"fill="{LATE}""#)),
            (
                "below presort threshold",
                r##"fill="#ddd" stroke="black" stroke-dasharray="4,2""##.to_owned(),
            ),
            ("shift", format!(r##"fill="{SHIFT}" stroke="#999""##)),
            ("down", r#"fill="url(#down)""#.to_owned()),
            ("backlog", r##"fill="#bbb""##.to_owned()),
            ("deadline", String::new()),
        ];
        let mut x = 16.0;
        for (name, style) in items {
            if style.is_empty() {
                let _ = writeln!(
                    s,
                    r##"<path d="M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="#333"/>"##,
                    x,
                    y + 4.0,
                    x + 10.0,
                    y + 4.0,
                    x + 5.0,
                    y + 14.0
                );
            } else {
                let _ = writeln!(
                    s,
                    r#"<rect x="{x:.1}" y="{:.1}" width="22" height="12" {style}/>"#,
                    y + 3.0
                );
            }
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
                x + 28.0,
                y + 13.0,
                esc(name)
            );
            x += 28.0 + name.len() as f64 * 6.5 + 22.0;
        }
        let _ = writeln!(
            s,
            r##"<text x="16" y="{:.1}" font-size="11" fill="#555">Blue line: plan start. “JOB +n”: n more parts too short to draw apart. Hover a bar for its reason; every part is in plan.csv.</text>"##,
            y + 32.0
        );
    }
}

/// `JOB` or `JOB 1/2`.
fn label(a: &Assignment) -> String {
    if a.parts > 1 {
        format!("{} {}/{}", a.job, a.part, a.parts)
    } else {
        a.job.clone()
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(max).collect();
        t.push('…');
        t
    }
}
