// A mergeable latency sketch with bounded relative error (the DDSketch idea: logarithmic buckets).
//
// A value x > 0 goes to bucket i = ceil(log_γ x) with γ = (1 + α) / (1 − α); every value in that
// bucket lies in (γ^(i−1), γ^i], and answering with 2γ^i / (γ + 1) is within a relative error α of
// any of them. So a quantile is off by at most α (1 % by default) relative to the true value at
// that rank, whatever the distribution. Merging two sketches adds bucket counts, which is exactly
// the sketch of the union of their inputs (same α). With α = 1 %, 1 ms to 10 s spans 461 buckets;
// buckets are kept dense between the lowest and highest seen, capped at maxBuckets by folding the
// lowest buckets together (only the lowest quantiles lose accuracy then, never p50/p95/p99 unless
// the data spans more than γ^maxBuckets ≈ 10^17 with the defaults).

export interface SketchData {
  relativeAccuracy: number;
  /** Bucket index of bins[0]. */
  offset: number;
  bins: number[];
  /** Values ≤ 0 (and below the smallest indexable value). */
  zeroCount: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface LatencySummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

const MIN_INDEXABLE = 1e-9;

export class LatencySketch {
  readonly relativeAccuracy: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly maxBuckets: number;
  private bins: number[] = [];
  private offset = 0;
  private zeroCount = 0;
  private total = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(relativeAccuracy = 0.01, maxBuckets = 2048) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) throw new RangeError('relativeAccuracy must be in (0, 1)');
    this.relativeAccuracy = relativeAccuracy;
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
    this.maxBuckets = Math.max(16, Math.floor(maxBuckets));
  }

  get count(): number {
    return this.total;
  }

  /** Buckets in use: the sketch's memory is about 8 bytes each. */
  get bucketCount(): number {
    return this.bins.length;
  }

  add(value: number, weight = 1): void {
    if (!Number.isFinite(value) || !(weight > 0)) return;
    this.total += weight;
    this.sum += value * weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= MIN_INDEXABLE) {
      this.zeroCount += weight;
      return;
    }
    this.addToBucket(Math.ceil(Math.log(value) / this.logGamma), weight);
  }

  /** Adds another sketch's contents: the result is the sketch of both inputs together. */
  merge(other: LatencySketch | SketchData): void {
    const data = other instanceof LatencySketch ? other.toJSON() : other;
    if (Math.abs(data.relativeAccuracy - this.relativeAccuracy) > 1e-12) {
      throw new RangeError('cannot merge sketches of different accuracy');
    }
    if (data.count === 0) return;
    this.total += data.count;
    this.sum += data.sum;
    this.zeroCount += data.zeroCount;
    this.min = Math.min(this.min, data.min);
    this.max = Math.max(this.max, data.max);
    for (let i = 0; i < data.bins.length; i++) {
      const c = data.bins[i]!;
      if (c > 0) this.addToBucket(data.offset + i, c);
    }
  }

  /** The value at quantile q (0..1), within relativeAccuracy of the exact one; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const clamped = Math.min(1, Math.max(0, q));
    const rank = clamped * (this.total - 1);
    if (rank < this.zeroCount) return Math.max(this.min, 0);
    let seen = this.zeroCount;
    for (let i = 0; i < this.bins.length; i++) {
      seen += this.bins[i]!;
      if (seen > rank) {
        const estimate = (2 * Math.pow(this.gamma, this.offset + i)) / (this.gamma + 1);
        return Math.min(this.max, Math.max(this.min, estimate));
      }
    }
    return this.max;
  }

  summary(): LatencySummary | undefined {
    if (this.total === 0) return undefined;
    return {
      count: this.total,
      min: this.min,
      max: this.max,
      mean: this.sum / this.total,
      p50: this.quantile(0.5)!,
      p95: this.quantile(0.95)!,
      p99: this.quantile(0.99)!,
    };
  }

  toJSON(): SketchData {
    return {
      relativeAccuracy: this.relativeAccuracy,
      offset: this.offset,
      bins: this.bins.slice(),
      zeroCount: this.zeroCount,
      count: this.total,
      sum: this.sum,
      min: this.total === 0 ? 0 : this.min,
      max: this.total === 0 ? 0 : this.max,
    };
  }

  static fromJSON(data: SketchData, maxBuckets = 2048): LatencySketch {
    const sketch = new LatencySketch(data.relativeAccuracy, maxBuckets);
    sketch.merge(data);
    return sketch;
  }

  private addToBucket(index: number, weight: number): void {
    if (this.bins.length === 0) {
      this.offset = index;
      this.bins.push(weight);
      return;
    }
    if (index < this.offset) {
      const grow = this.offset - index;
      if (this.bins.length + grow > this.maxBuckets) {
        // Too wide: the low tail folds into the lowest bucket we keep.
        this.bins[0]! += weight;
        return;
      }
      this.bins.unshift(...new Array<number>(grow).fill(0));
      this.offset = index;
    } else if (index >= this.offset + this.bins.length) {
      if (index - this.offset + 1 > this.maxBuckets) this.foldBelow(index - this.maxBuckets + 1);
      while (this.offset + this.bins.length <= index) this.bins.push(0);
    }
    this.bins[index - this.offset]! += weight;
  }

  /** Moves the window's low edge up to `newOffset`, folding the buckets below it into the lowest kept. */
  private foldBelow(newOffset: number): void {
    let folded = 0;
    const drop = Math.min(this.bins.length, newOffset - this.offset);
    for (let i = 0; i < drop; i++) folded += this.bins[i]!;
    this.bins.splice(0, drop);
    this.offset = newOffset;
    if (this.bins.length === 0) this.bins.push(0);
    this.bins[0]! += folded;
  }
}
