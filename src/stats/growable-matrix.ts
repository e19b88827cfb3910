// A statistics matrix built row by row while input streams in (doubling Float64Array storage).
import type { StatsMatrix } from './stats-matrix.js';

export class GrowableMatrix {
  readonly k: number;
  private data: Float64Array;
  private rows = 0;

  constructor(k: number, initialRows = 1024) {
    this.k = k;
    this.data = new Float64Array(k * initialRows);
  }

  push(row: ArrayLike<number>): void {
    if (row.length !== this.k) throw new RangeError(`row has ${row.length} values, expected ${this.k}`);
    if ((this.rows + 1) * this.k > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data.set(row, this.rows * this.k);
    this.rows++;
  }

  get n(): number {
    return this.rows;
  }

  /** The filled rows as a StatsMatrix (a view, no copy). */
  toMatrix(): StatsMatrix {
    return { n: this.rows, k: this.k, data: this.data.subarray(0, this.rows * this.k) };
  }
}
