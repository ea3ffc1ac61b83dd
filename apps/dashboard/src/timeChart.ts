// A uPlot time-series chart themed from the page's CSS custom properties: axes with a time scale, a
// legend that shows the values under the cursor (the latest second otherwise), optional stacking,
// resized with its container and rebuilt when the theme changes (canvas colours are resolved values,
// so they do not follow CSS by themselves).
import uPlot, { type AlignedData, type Band, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SeriesData } from './activity.js';

/** One line of a chart: its legend label and the CSS custom property that colours it (`--info`). */
export interface TimeChartSeries {
  label: string;
  colorVar: string;
}

export interface TimeChartOptions {
  series: TimeChartSeries[];
  /** Plot height in CSS pixels, legend excluded. Default 120. */
  height?: number;
  /** Charts with the same key share the cursor (hovering one shows the same second in the other). */
  syncKey?: string;
  /** Stack the series as bars, one per second (the top is their sum). Default false: lines. */
  stacked?: boolean;
}

export interface TimeChart {
  /** Replaces the data (call at most once per tick: uPlot redraws the whole chart). */
  setData(data: SeriesData): void;
  /** The current uPlot instance (replaced when the theme changes). */
  readonly plot: uPlot;
  destroy(): void;
}

/** Resolves CSS colours (custom properties, `light-dark()`) to `rgb()`, in the current scheme. */
function resolver(host: HTMLElement): (value: string) => string {
  const probe = document.createElement('span');
  probe.hidden = true;
  host.append(probe);
  return (value) => {
    probe.style.color = value;
    return getComputedStyle(probe).color;
  };
}

const withAlpha = (rgb: string, alpha: number) =>
  rgb.replace(/^rgba?\(([^,]+),([^,]+),([^,)]+).*$/, `rgba($1,$2,$3,${alpha})`);
const pad = (n: number) => String(n).padStart(2, '0');
const clock = (seconds: number, withSeconds: boolean) => {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
};
const bars = uPlot.paths.bars?.({ size: [1, Number.POSITIVE_INFINITY, 1.5] });
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 300, 600];

/** Cumulative sums of the shown series (hidden ones skipped) and the bands that fill between them. */
function stack(raw: SeriesData, shown: (i: number) => boolean): { data: AlignedData; bands: Band[] } {
  const sums = new Array<number>(raw[0].length).fill(0);
  const data: AlignedData = [raw[0]];
  const visible: number[] = [];
  for (let i = 1; i < raw.length; i++) {
    const series = raw[i] as (number | null)[];
    if (!shown(i)) {
      data.push(series);
      continue;
    }
    data.push(series.map((v, k) => (sums[k] = (sums[k] ?? 0) + (v ?? 0))));
    visible.push(i);
  }
  const bands: Band[] = [];
  for (let k = 1; k < visible.length; k++) bands.push({ series: [visible[k] as number, visible[k - 1] as number] });
  return { data, bands };
}

function buildOptions(host: HTMLElement, options: TimeChartOptions, width: number, raw: () => SeriesData): Options {
  const color = resolver(host);
  const muted = color('var(--muted)');
  const grid = color('var(--border)');
  const font = '11px system-ui, sans-serif';
  const axis = { stroke: muted, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1, size: 4 } };
  // The legend shows the latest second whenever the cursor is not over the plot.
  const showLatest = (u: uPlot) => {
    if (u.cursor.idx == null && u.data[0].length > 0) u.setLegend({ idx: u.data[0].length - 1 });
  };
  return {
    width,
    height: options.height ?? 120,
    padding: [8, 22, 0, 0],
    cursor: {
      drag: { x: false, y: false },
      y: false,
      points: { size: 6 },
      ...(options.syncKey ? { sync: { key: options.syncKey } } : {}),
    },
    legend: { live: true },
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max ?? 0))] },
    },
    axes: [
      {
        ...axis,
        size: 30,
        space: 64,
        incrs: TIME_STEPS,
        values: (_u, splits, _axis, _space, incr) => splits.map((s) => clock(s, incr < 60)),
      },
      { ...axis, size: 36, incrs: INTEGER_STEPS, values: (_u, splits) => splits.map((v) => String(v)) },
    ],
    series: [
      { label: 'time', value: (_u, v) => (v == null ? '–' : clock(v, true)) },
      ...options.series.map((s, i) => {
        const stroke = color(`var(${s.colorVar})`);
        return {
          label: s.label,
          stroke,
          width: options.stacked ? 0 : 1.5,
          // Lines keep uPlot's default points, drawn while the data is sparse (a lone sample stays visible).
          ...(options.stacked ? { fill: withAlpha(stroke, 0.8), paths: bars, points: { show: false } } : {}),
          spanGaps: false,
          // Raw values in the legend, not the stacked sums.
          value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => {
            const v = idx == null ? null : (raw()[i + 1]?.[idx] ?? null);
            return v == null ? '–' : String(v);
          },
        };
      }),
    ],
    hooks: { setCursor: [showLatest], setData: [showLatest] },
  };
}

/** Creates a chart in `host` (which should be empty); it tracks `host`'s width and the page theme. */
export function createTimeChart(host: HTMLElement, options: TimeChartOptions): TimeChart {
  let raw: SeriesData = [[], ...options.series.map(() => [])];
  const width = () => Math.max(120, Math.floor(host.clientWidth));
  const build = () => {
    const opts = buildOptions(host, options, width(), () => raw);
    // Hiding a series from the legend restacks the others.
    if (options.stacked) opts.hooks = { ...opts.hooks, setSeries: [() => draw()] };
    return new uPlot(opts, raw as AlignedData, host);
  };
  let plot = build();
  const draw = () => {
    if (!options.stacked) {
      plot.setData(raw as AlignedData);
      return;
    }
    const { data, bands } = stack(raw, (i) => plot.series[i]?.show !== false);
    plot.delBand(null);
    for (const band of bands) plot.addBand(band);
    plot.setData(data);
  };

  const rebuild = () => {
    plot.destroy();
    host.replaceChildren();
    plot = build();
    draw();
  };
  const resize = new ResizeObserver(() => {
    // A panel hidden by the phone-width tabs has no width: keep the last size until it shows again.
    if (host.clientWidth > 0 && width() !== plot.width) plot.setSize({ width: width(), height: options.height ?? 120 });
  });
  resize.observe(host);
  const theme = new MutationObserver(rebuild);
  theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', rebuild);

  return {
    setData(next) {
      raw = next;
      draw();
    },
    get plot() {
      return plot;
    },
    destroy() {
      resize.disconnect();
      theme.disconnect();
      scheme.removeEventListener('change', rebuild);
      plot.destroy();
    },
  };
}
