import { useState } from 'preact/hooks';
import { Card } from '../../shared/card.js';
import { newId } from '../connection.js';
import { useCommand } from '../use-command.js';
import { useConnection } from '../use-topic.js';
import { Notice } from './notice.js';

interface FoodRow {
  key: number;
  name: string;
  quantity: string;
  unit: string;
  calories: string;
  proteinG: string;
  carbsG: string;
  fatG: string;
}

const mealTypes = ['breakfast', 'lunch', 'dinner', 'snack'] as const;
type MealType = (typeof mealTypes)[number];

/** Foods a player logs often, one tap to fill a row (the numbers are per the quantity shown). */
const presets: Omit<FoodRow, 'key'>[] = [
  { name: 'Oatmeal', quantity: '80', unit: 'g', calories: '300', proteinG: '10', carbsG: '54', fatG: '6' },
  { name: 'Chicken salad', quantity: '1', unit: 'bowl', calories: '450', proteinG: '38', carbsG: '20', fatG: '22' },
  { name: 'Apple', quantity: '1', unit: 'piece', calories: '95', proteinG: '0.5', carbsG: '25', fatG: '0.3' },
  { name: 'Greek yogurt', quantity: '170', unit: 'g', calories: '100', proteinG: '17', carbsG: '6', fatG: '0.7' },
];

const columns = [
  { field: 'name', label: 'Food', type: 'text' },
  { field: 'quantity', label: 'Qty', type: 'number' },
  { field: 'unit', label: 'Unit', type: 'text' },
  { field: 'calories', label: 'kcal', type: 'number' },
  { field: 'proteinG', label: 'Protein g', type: 'number' },
  { field: 'carbsG', label: 'Carbs g', type: 'number' },
  { field: 'fatG', label: 'Fat g', type: 'number' },
] as const;

let nextKey = 1;
const emptyRow = (): FoodRow => ({ key: nextKey++, name: '', quantity: '1', unit: 'serving', calories: '', proteinG: '0', carbsG: '0', fatG: '0' });

/** Logging a meal: its type and its foods (at most 50), with calories and macros each. */
export function Meals({ userId }: { userId: string }) {
  const connection = useConnection();
  const { run, outcome, busy } = useCommand();
  const [mealType, setMealType] = useState<MealType>(defaultMealType());
  const [rows, setRows] = useState<FoodRow[]>([emptyRow()]);

  const update = (key: number, field: keyof FoodRow, value: string) => setRows(rows.map((row) => (row.key === key ? { ...row, [field]: value } : row)));
  const addPreset = (preset: Omit<FoodRow, 'key'>) => {
    const blank = rows.findIndex((row) => row.name === '' && row.calories === '');
    const filled = { ...preset, key: nextKey++ };
    setRows(blank >= 0 ? rows.map((row, index) => (index === blank ? filled : row)) : [...rows, filled]);
  };

  async function log(event: Event) {
    event.preventDefault();
    const foods = rows.map((row) => ({
      name: row.name,
      quantity: Number(row.quantity),
      unit: row.unit,
      calories: Number(row.calories),
      proteinG: Number(row.proteinG),
      carbsG: Number(row.carbsG),
      fatG: Number(row.fatG),
    }));
    const logged = await run(
      { to: `user/${userId}`, type: 'meal.log', payload: { mealId: newId('meal-'), mealType, eatenAt: connection.serverNow(), foods } },
      `${capitalized(mealType)} logged`,
    );
    if (logged) setRows([emptyRow()]);
  }

  return (
    <Card id="meals" title="Log a meal" mark="food">
      <div class="presets" role="group" aria-label="Quick add a food">
        {presets.map((preset) => (
          <button type="button" class="secondary chip" key={preset.name} onClick={() => addPreset(preset)}>
            + {preset.name}
          </button>
        ))}
      </div>
      <form onSubmit={log}>
        <div class="field meal-type">
          <label for="meal-type">Meal</label>
          <select id="meal-type" value={mealType} onChange={(event) => setMealType((event.currentTarget as HTMLSelectElement).value as MealType)}>
            {mealTypes.map((type) => (
              <option value={type} key={type}>
                {capitalized(type)}
              </option>
            ))}
          </select>
        </div>
        {rows.map((row, index) => (
          <fieldset class="food" key={row.key}>
            <legend>Food {index + 1}</legend>
            {columns.map((column) => (
              <div class={`field food-${column.field}`} key={column.field}>
                <label for={`food-${row.key}-${column.field}`}>{column.label}</label>
                <input
                  id={`food-${row.key}-${column.field}`}
                  type={column.type}
                  required
                  {...(column.type === 'number' ? { min: 0, step: 'any' } : { maxLength: column.field === 'name' ? 60 : 20 })}
                  value={row[column.field]}
                  onInput={(event) => update(row.key, column.field, (event.currentTarget as HTMLInputElement).value)}
                />
              </div>
            ))}
            {rows.length > 1 && (
              <button type="button" class="secondary remove" aria-label={`Remove food ${index + 1}`} onClick={() => setRows(rows.filter((other) => other.key !== row.key))}>
                ×
              </button>
            )}
          </fieldset>
        ))}
        <div class="row">
          <button type="button" class="secondary" disabled={rows.length >= 50} onClick={() => setRows([...rows, emptyRow()])}>
            Add a food
          </button>
          <button type="submit" disabled={busy}>
            Log meal
          </button>
        </div>
      </form>
      <Notice outcome={outcome} />
    </Card>
  );
}

function defaultMealType(): MealType {
  const hour = new Date().getHours();
  return hour < 11 ? 'breakfast' : hour < 15 ? 'lunch' : hour < 21 ? 'dinner' : 'snack';
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
