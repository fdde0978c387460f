import { useState } from 'preact/hooks';

/** Asked once per browser tab; the console then has exactly the permissions of this key. */
export function KeyPrompt({ refusal, onKey }: { refusal: string | null; onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <section class="key-prompt">
      <h1>API key</h1>
      <p>
        The console calls the API with your key. It is kept in this tab only (session storage) and sent in the X-API-Key
        header, never in a URL. Management pages need a key with the Administrator role.
      </p>
      {refusal && (
        <p class="error" role="alert">
          The API refused the key: {refusal}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) onKey(key.trim());
        }}
      >
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} required />
        <button type="submit">Use this key</button>
      </form>
    </section>
  );
}
