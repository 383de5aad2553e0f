/** Result of an ordinary least-squares fit. */
export interface LeastSquaresFit {
  readonly coefficients: Float64Array;
  /** Root mean square of the residuals, in the unit of y. */
  readonly rmsResidual: number;
  /** Coefficient of determination; 1 for a perfect fit. */
  readonly rSquared: number;
}

/**
 * Ordinary least squares by the normal equations, `(XᵀX) β = Xᵀy`. Columns are scaled to unit RMS first
 * (the cost features span 1 to ~10⁷, which would otherwise ruin the conditioning), the system is solved by
 * Gaussian elimination with partial pivoting, and β is scaled back. A column that is all zeros (a feature
 * the profile never exercised) gets coefficient 0 instead of making the system singular.
 *
 * With `nonNegative`, the fit is constrained to β ≥ 0 (Lawson–Hanson active set on the same normal
 * equations): step costs cannot be negative, and an unconstrained fit over a narrow or noisy grid often
 * trades a negative term against a positive one, which extrapolates badly.
 *
 * @param rows feature rows, all of the same length
 * @param targets one observation per row
 */
export function fitLeastSquares(rows: readonly ArrayLike<number>[], targets: ArrayLike<number>, options: { readonly nonNegative?: boolean } = {}): LeastSquaresFit {
  const numRows = rows.length;
  if (numRows === 0 || targets.length !== numRows) throw new RangeError(`least squares needs as many targets as rows (rows ${numRows}, targets ${targets.length}).`);
  const numColumns = rows[0]!.length;
  const scales = columnScales(rows, numColumns);
  const normal = new Float64Array(numColumns * numColumns);
  const rhs = new Float64Array(numColumns);
  for (let r = 0; r < numRows; r++) {
    const row = rows[r]!;
    const target = targets[r]!;
    for (let i = 0; i < numColumns; i++) {
      const xi = row[i]! / scales[i]!;
      if (xi === 0) continue;
      rhs[i]! += xi * target;
      for (let j = 0; j < numColumns; j++) normal[i * numColumns + j]! += xi * (row[j]! / scales[j]!);
    }
  }
  const scaled = options.nonNegative === true ? solveNonNegative(normal, rhs, numColumns) : solveLinearSystem(normal, rhs, numColumns);
  const coefficients = scaled.map((value, index) => value / scales[index]!);
  return { coefficients, ...goodnessOfFit(rows, targets, coefficients) };
}

function columnScales(rows: readonly ArrayLike<number>[], numColumns: number): Float64Array {
  const scales = new Float64Array(numColumns);
  for (const row of rows) for (let i = 0; i < numColumns; i++) scales[i]! += row[i]! * row[i]!;
  for (let i = 0; i < numColumns; i++) scales[i] = scales[i]! === 0 ? 1 : Math.sqrt(scales[i]! / rows.length);
  return scales;
}

/**
 * Solves `A x = b` (A is n×n, row-major) by Gaussian elimination with partial pivoting. A pivot that is
 * negligible against the matrix's scale marks a column with no information: its unknown is set to 0.
 */
export function solveLinearSystem(matrix: Float64Array, rhs: Float64Array, size: number): Float64Array {
  const a = Float64Array.from(matrix);
  const b = Float64Array.from(rhs);
  let largest = 0;
  for (const value of a) largest = Math.max(largest, Math.abs(value));
  const tolerance = largest * 1e-12;
  const pivotRowOf = new Int32Array(size).fill(-1);
  let row = 0;
  for (let column = 0; column < size && row < size; column++) {
    let pivot = row;
    for (let r = row + 1; r < size; r++) if (Math.abs(a[r * size + column]!) > Math.abs(a[pivot * size + column]!)) pivot = r;
    if (Math.abs(a[pivot * size + column]!) <= tolerance) continue;
    swapRows(a, b, size, row, pivot);
    for (let r = row + 1; r < size; r++) {
      const factor = a[r * size + column]! / a[row * size + column]!;
      if (factor === 0) continue;
      for (let c = column; c < size; c++) a[r * size + c]! -= factor * a[row * size + c]!;
      b[r]! -= factor * b[row]!;
    }
    pivotRowOf[column] = row++;
  }
  const x = new Float64Array(size);
  for (let column = size - 1; column >= 0; column--) {
    const pivotRow = pivotRowOf[column]!;
    if (pivotRow < 0) continue;
    let sum = b[pivotRow]!;
    for (let c = column + 1; c < size; c++) sum -= a[pivotRow * size + c]! * x[c]!;
    x[column] = sum / a[pivotRow * size + column]!;
  }
  return x;
}

function swapRows(a: Float64Array, b: Float64Array, size: number, first: number, second: number): void {
  if (first === second) return;
  for (let c = 0; c < size; c++) {
    const held = a[first * size + c]!;
    a[first * size + c] = a[second * size + c]!;
    a[second * size + c] = held;
  }
  const held = b[first]!;
  b[first] = b[second]!;
  b[second] = held;
}

function goodnessOfFit(rows: readonly ArrayLike<number>[], targets: ArrayLike<number>, coefficients: Float64Array): { rmsResidual: number; rSquared: number } {
  let mean = 0;
  for (let r = 0; r < rows.length; r++) mean += targets[r]!;
  mean /= rows.length;
  let residualSquares = 0;
  let totalSquares = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let predicted = 0;
    for (let i = 0; i < coefficients.length; i++) predicted += row[i]! * coefficients[i]!;
    residualSquares += (targets[r]! - predicted) ** 2;
    totalSquares += (targets[r]! - mean) ** 2;
  }
  return { rmsResidual: Math.sqrt(residualSquares / rows.length), rSquared: totalSquares === 0 ? 1 : 1 - residualSquares / totalSquares };
}

/**
 * Non-negative least squares on the normal equations (A = XᵀX, b = Xᵀy) by Lawson and Hanson's active-set
 * method: grow the set of free (positive) coefficients by the one whose gradient most wants to rise, solve
 * on the free set, and step back along the segment whenever a free coefficient would turn negative.
 */
export function solveNonNegative(normal: Float64Array, rhs: Float64Array, size: number): Float64Array {
  const x = new Float64Array(size);
  const free = new Array<boolean>(size).fill(false);
  let largest = 0;
  for (const value of rhs) largest = Math.max(largest, Math.abs(value));
  const tolerance = 1e-12 * Math.max(largest, 1);
  for (let iteration = 0; iteration < 3 * size; iteration++) {
    const gradient = residualGradient(normal, rhs, x, size);
    let entering = -1;
    for (let i = 0; i < size; i++) if (!free[i] && gradient[i]! > tolerance && (entering < 0 || gradient[i]! > gradient[entering]!)) entering = i;
    if (entering < 0) break;
    free[entering] = true;
    for (let inner = 0; inner < 3 * size; inner++) {
      const candidate = solveOnFreeSet(normal, rhs, free, size);
      let step = 1;
      for (let i = 0; i < size; i++) if (free[i] && candidate[i]! <= 0) step = Math.min(step, x[i]! / (x[i]! - candidate[i]!));
      for (let i = 0; i < size; i++) x[i] = x[i]! + step * (candidate[i]! - x[i]!);
      if (step === 1) break;
      for (let i = 0; i < size; i++) {
        if (free[i] && x[i]! <= tolerance) {
          free[i] = false;
          x[i] = 0;
        }
      }
    }
  }
  return x;
}

function residualGradient(normal: Float64Array, rhs: Float64Array, x: Float64Array, size: number): Float64Array {
  const gradient = Float64Array.from(rhs);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) gradient[i]! -= normal[i * size + j]! * x[j]!;
  return gradient;
}

function solveOnFreeSet(normal: Float64Array, rhs: Float64Array, free: readonly boolean[], size: number): Float64Array {
  const indices = free.flatMap((isFree, index) => (isFree ? [index] : []));
  const n = indices.length;
  const sub = new Float64Array(n * n);
  const subRhs = new Float64Array(n);
  indices.forEach((row, r) => {
    subRhs[r] = rhs[row]!;
    indices.forEach((column, c) => (sub[r * n + c] = normal[row * size + column]!));
  });
  const solved = solveLinearSystem(sub, subRhs, n);
  const full = new Float64Array(size);
  indices.forEach((index, k) => (full[index] = solved[k]!));
  return full;
}
