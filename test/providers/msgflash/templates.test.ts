/** Templates: CRUD with derived variables, unique names, partial PUT, preview with missing and unused values. */
import { describe, expect, it } from 'vitest';
import { at, expectError, expectOk, msgflashSim } from './helpers.js';

const SHIPPED = { name: 'Order shipped', content: 'Hi {{name}}, your order {{ orderId }} ships {{date}}. Thanks, {{name}}!', category: 'utility' };

describe('templates CRUD', () => {
  it('create derives the variables in order of appearance; get, list, update, delete', async () => {
    const { sim, api } = await msgflashSim({ rateLimits: false });
    const created = expectOk(await api.post('/templates', SHIPPED), 201);
    expect(created).toEqual({ id: expect.any(String), ...SHIPPED, variables: ['name', 'orderId', 'date'], createdAt: at(0), updatedAt: at(0) });
    expect(expectOk(await api.get(`/templates/${created.id}`))).toEqual(created);

    await sim.advance(5_000);
    const updated = expectOk(await api.put(`/templates/${created.id}`, { content: 'Hello {{first}}' }));
    expect(updated).toEqual({ ...created, content: 'Hello {{first}}', variables: ['first'], updatedAt: at(5_000) });

    const other = expectOk(await api.post('/templates', { name: 'OTP', content: 'Code {{code}}' }), 201);
    expect(expectOk(await api.get('/templates')).templates.map((t: any) => t.id)).toEqual([other.id, created.id]);
    expect(expectOk(await api.get('/templates', undefined, { query: { search: 'code' } })).templates.map((t: any) => t.id)).toEqual([other.id]);
    expect(expectOk(await api.get('/templates', undefined, { query: { category: 'utility' } })).templates.map((t: any) => t.id)).toEqual([created.id]);

    expect(expectOk(await api.delete(`/templates/${created.id}`))).toEqual({ id: created.id, deleted: true });
    expectError(await api.get(`/templates/${created.id}`), 404, 'NOT_FOUND', 'id', created.id);
    expectError(await api.delete(`/templates/${created.id}`), 404, 'NOT_FOUND');
    expectError(await api.put(`/templates/${created.id}`, { name: 'x' }), 404, 'NOT_FOUND');
  });

  it('names are unique per workspace, ignoring case (409 TEMPLATE_NAME_TAKEN); renaming to its own name is fine', async () => {
    const { api, other } = await msgflashSim({ rateLimits: false });
    const first = expectOk(await api.post('/templates', SHIPPED), 201);
    expectError(await api.post('/templates', { ...SHIPPED, name: 'ORDER SHIPPED' }), 409, 'TEMPLATE_NAME_TAKEN', 'name', 'ORDER SHIPPED');
    const second = expectOk(await api.post('/templates', { name: 'Other', content: 'x' }), 201);
    expectError(await api.put(`/templates/${second.id}`, { name: 'order shipped' }), 409, 'TEMPLATE_NAME_TAKEN');
    expectOk(await api.put(`/templates/${first.id}`, { name: 'Order Shipped' }));
    expectOk(await other.post('/templates', SHIPPED), 201);
  });

  it.each([
    [{ content: 'x' }, 'name'],
    [{ name: 'x' }, 'content'],
    [{ name: '', content: 'x' }, 'name'],
    [{ name: 'x', content: 'y', variables: ['a'] }, 'variables'],
    [{ name: 'x'.repeat(101), content: 'y' }, 'name'],
  ])('create %j → 400 naming %s', async (body, field) => {
    const { api } = await msgflashSim({ rateLimits: false });
    expectError(await api.post('/templates', body), 400, 'VALIDATION_ERROR', field);
  });

  it('an empty update → 400', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const { id } = expectOk(await api.post('/templates', SHIPPED), 201);
    expectError(await api.put(`/templates/${id}`, {}), 400, 'VALIDATION_ERROR');
  });
});

describe('POST /templates/{id}/preview', () => {
  it('renders every value given; reports missing and unused variables', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const { id } = expectOk(await api.post('/templates', SHIPPED), 201);
    const partial = expectOk(await api.post(`/templates/${id}/preview`, { variables: { name: 'Ana', coupon: 'X1' } }));
    expect(partial).toEqual({
      templateId: id,
      rendered: 'Hi Ana, your order {{ orderId }} ships {{date}}. Thanks, Ana!',
      variables: ['name', 'orderId', 'date'],
      missingVariables: ['orderId', 'date'],
      unusedVariables: ['coupon'],
      complete: false,
    });
    const full = expectOk(await api.post(`/templates/${id}/preview`, { variables: { name: 'Ana', orderId: '42', date: 'today' } }));
    expect(full).toMatchObject({ rendered: 'Hi Ana, your order 42 ships today. Thanks, Ana!', missingVariables: [], unusedVariables: [], complete: true });
  });

  it('without a body every variable is missing; unknown template → 404; non-string values → 400', async () => {
    const { api } = await msgflashSim({ rateLimits: false });
    const { id } = expectOk(await api.post('/templates', SHIPPED), 201);
    expect(expectOk(await api.post(`/templates/${id}/preview`)).missingVariables).toEqual(['name', 'orderId', 'date']);
    expectError(await api.post('/templates/nope/preview', { variables: {} }), 404, 'NOT_FOUND', 'id', 'nope');
    expectError(await api.post(`/templates/${id}/preview`, { variables: { name: { first: 'Ana' } } }), 400, 'VALIDATION_ERROR', 'variables.name');
  });
});
