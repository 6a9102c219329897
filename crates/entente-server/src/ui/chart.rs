//! Charts as SVG written on the server: deterministic, testable, no JavaScript, and styled by
//! the stylesheet (classes only, so the CSP's `style-src 'self'` holds). Geometry is computed
//! here; `templates/bar_chart.html` draws it.

/// A vertical bar chart with one labelled bar per category.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarChart {
    /// Accessible name of the chart.
    pub(crate) title: String,
    /// View box width and height.
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// The bars, left to right.
    pub(crate) bars: Vec<Bar>,
    /// Horizontal grid lines: (y, label).
    pub(crate) ticks: Vec<(u32, u32)>,
    /// Y of the baseline.
    pub(crate) baseline: u32,
    /// Left edge of the plot.
    pub(crate) left: u32,
}

/// One bar and its labels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub(crate) x: u32,
    pub(crate) y: u32,
    pub(crate) w: u32,
    pub(crate) h: u32,
    /// Centre of the bar, for its labels.
    pub(crate) cx: u32,
    /// Category label (under the axis).
    pub(crate) label: String,
    /// The value.
    pub(crate) value: u32,
    /// Where the bar leads (the list behind the number).
    pub(crate) href: String,
}

const TOP: u32 = 16;
const BOTTOM: u32 = 28;
const LEFT: u32 = 32;

impl BarChart {
    /// Lays out `data` (label, value, link) in a `width` × `height` box.
    pub(crate) fn new(
        title: impl Into<String>,
        width: u32,
        height: u32,
        data: Vec<(String, u32, String)>,
    ) -> Self {
        let max = data.iter().map(|d| d.1).max().unwrap_or(0).max(1);
        // Round the scale up to a whole number of steps of 1, 2, 5, 10 …
        let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
            .into_iter()
            .find(|s| max.div_ceil(*s) <= 5)
            .unwrap_or(max.div_ceil(5));
        let top_value = max.div_ceil(step) * step;
        let plot_h = height.saturating_sub(TOP + BOTTOM);
        let baseline = TOP + plot_h;
        let n = u32::try_from(data.len()).unwrap_or(1).max(1);
        let slot = width.saturating_sub(LEFT) / n;
        let w = (slot * 2 / 3).max(1);
        let bars = data
            .into_iter()
            .enumerate()
            .map(|(i, (label, value, href))| {
                let h = plot_h * value / top_value;
                let x = LEFT + slot * u32::try_from(i).unwrap_or(0) + (slot - w) / 2;
                Bar {
                    x,
                    y: baseline - h,
                    w,
                    h,
                    cx: x + w / 2,
                    label,
                    value,
                    href,
                }
            })
            .collect();
        let ticks = (0..=top_value / step)
            .map(|k| {
                let v = k * step;
                (baseline - plot_h * v / top_value, v)
            })
            .collect();
        Self {
            title: title.into(),
            width,
            height,
            bars,
            ticks,
            baseline,
            left: LEFT,
        }
    }

    /// Where value labels sit: above the bar.
    pub(crate) fn label_y(bar: &Bar) -> u32 {
        bar.y.saturating_sub(4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_tallest_and_sit_on_the_baseline() {
        let c = BarChart::new(
            "t",
            332,
            144,
            vec![
                ("Jan".into(), 0, "/a".into()),
                ("Feb".into(), 3, "/b".into()),
                ("Mar".into(), 6, "/c".into()),
            ],
        );
        assert_eq!(c.baseline, 144 - BOTTOM);
        assert_eq!(c.bars[0].h, 0);
        for b in &c.bars {
            assert_eq!(b.y + b.h, c.baseline);
        }
        // 6 rounds to a scale of 6 with steps of 2: the tallest bar fills the plot.
        assert_eq!(c.bars[2].h, 144 - TOP - BOTTOM);
        assert_eq!(c.bars[1].h * 2, c.bars[2].h);
        assert_eq!(c.ticks.first().map(|t| t.1), Some(0));
        assert_eq!(c.ticks.last().map(|t| t.1), Some(6));
    }

    #[test]
    fn an_empty_chart_has_no_bars_and_one_scale() {
        let c = BarChart::new("t", 300, 120, Vec::new());
        assert!(c.bars.is_empty());
        assert_eq!(c.ticks.last().map(|t| t.1), Some(1));
    }
}
