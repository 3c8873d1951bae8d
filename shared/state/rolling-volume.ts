/** Traded notional over a rolling 24 hours, in hourly buckets (exact micros, O(1) per trade). */
const HOUR_MS = 3_600_000;
const BUCKETS = 24;

export class RollingVolume {
  private readonly buckets = new Array<number>(BUCKETS).fill(0);
  private readonly bucketHour = new Array<number>(BUCKETS).fill(-1);
  private total = 0;

  add(notional: number, at: number): void {
    const hour = Math.floor(at / HOUR_MS);
    this.expire(hour);
    const i = hour % BUCKETS;
    if (this.bucketHour[i] !== hour) {
      this.total -= this.buckets[i] as number;
      this.buckets[i] = 0;
      this.bucketHour[i] = hour;
    }
    this.buckets[i] = (this.buckets[i] as number) + notional;
    this.total += notional;
  }

  value(at: number): number {
    this.expire(Math.floor(at / HOUR_MS));
    return this.total;
  }

  private expire(hour: number): void {
    for (let i = 0; i < BUCKETS; i++) {
      const h = this.bucketHour[i] as number;
      if (h !== -1 && h <= hour - BUCKETS) {
        this.total -= this.buckets[i] as number;
        this.buckets[i] = 0;
        this.bucketHour[i] = -1;
      }
    }
  }
}
