// Types of data.js for the Node generator (the k6 scripts are plain JavaScript).
export declare const TIMEZONES: readonly string[];
export declare const MEAL_TYPES: readonly ('breakfast' | 'lunch' | 'dinner' | 'snack')[];
export declare const FOODS: readonly {
  readonly name: string;
  readonly quantity: number;
  readonly unit: string;
  readonly calories: number;
  readonly proteinG: number;
  readonly carbsG: number;
  readonly fatG: number;
}[];
export declare const WATER_ML: { readonly min: number; readonly steps: number; readonly step: number };
export declare const GOAL: {
  readonly minCalories: number;
  readonly steps: number;
  readonly step: number;
  readonly proteinPer: number;
  readonly carbsPer: number;
  readonly fatPer: number;
  readonly waterMl: number;
};
