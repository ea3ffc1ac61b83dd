// Two sparklines (events per second, connected clients) over the last five minutes, as SVG.
const SAMPLES = 300;
const NS = 'http://www.w3.org/2000/svg';

export class Sparkline {
  readonly #values: number[] = [];
  readonly #line: SVGPolylineElement;
  readonly #label: HTMLElement;

  /** `label` shows the latest value and the window's maximum. */
  constructor(svg: SVGSVGElement, label: HTMLElement) {
    this.#line = document.createElementNS(NS, 'polyline');
    svg.setAttribute('viewBox', `0 0 ${SAMPLES} 40`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.append(this.#line);
    this.#label = label;
  }

  push(value: number): void {
    this.#values.push(value);
    if (this.#values.length > SAMPLES) this.#values.shift();
    const max = Math.max(1, ...this.#values);
    const offset = SAMPLES - this.#values.length;
    this.#line.setAttribute(
      'points',
      this.#values.map((v, i) => `${offset + i},${(40 - (v / max) * 38).toFixed(1)}`).join(' '),
    );
    this.#label.textContent = `${value} (max ${max})`;
  }
}
