"""The order editing part of the Admin GraphQL schema (2025-04 names and shapes), added to schema.SDL.

An edit is a session: orderEditBegin answers with a CalculatedOrder (the order with the staged
changes applied, not saved), orderEditSetQuantity / orderEditAddVariant / orderEditAddCustomItem
stage changes on it, orderEditCommit saves them onto the order. A line item's `quantity` keeps
every unit ever ordered; `currentQuantity` leaves out the units an edit removed.
"""

ORDER_EDIT_SDL = """
type CalculatedLineItem {
  id: ID!
  title: String!
  sku: String
  variantTitle: String
  quantity: Int!
  editableQuantity: Int!
  editableQuantityBeforeChanges: Int!
  restockable: Boolean!
  restocking: Boolean!
  variant: ProductVariant
  originalUnitPriceSet: MoneyBag!
  discountedUnitPriceSet: MoneyBag!
}
type CalculatedLineItemEdge { cursor: String! node: CalculatedLineItem! }
type CalculatedLineItemConnection { edges: [CalculatedLineItemEdge!]! nodes: [CalculatedLineItem!]! pageInfo: PageInfo! }

type CalculatedOrder implements Node {
  id: ID!
  committed: Boolean!
  originalOrder: Order!
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): CalculatedLineItemConnection!
  addedLineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): CalculatedLineItemConnection!
  subtotalLineItemsQuantity: Int!
  subtotalPriceSet: MoneyBag
  totalPriceSet: MoneyBag!
}

type OrderEditBeginPayload { calculatedOrder: CalculatedOrder userErrors: [UserError!]! }
type OrderEditSetQuantityPayload { calculatedLineItem: CalculatedLineItem calculatedOrder: CalculatedOrder userErrors: [UserError!]! }
type OrderEditAddVariantPayload { calculatedLineItem: CalculatedLineItem calculatedOrder: CalculatedOrder userErrors: [UserError!]! }
type OrderEditAddCustomItemPayload { calculatedLineItem: CalculatedLineItem calculatedOrder: CalculatedOrder userErrors: [UserError!]! }
type OrderEditCommitPayload { order: Order userErrors: [UserError!]! }

extend type LineItem { currentQuantity: Int! }
extend type Mutation {
  orderEditBegin(id: ID!): OrderEditBeginPayload
  orderEditSetQuantity(id: ID!, lineItemId: ID!, quantity: Int!, restock: Boolean, locationId: ID): OrderEditSetQuantityPayload
  orderEditAddVariant(id: ID!, variantId: ID!, quantity: Int!, locationId: ID, allowDuplicates: Boolean = false): OrderEditAddVariantPayload
  orderEditAddCustomItem(id: ID!, title: String!, price: MoneyInput!, quantity: Int!, locationId: ID,
                         requiresShipping: Boolean, taxable: Boolean): OrderEditAddCustomItemPayload
  orderEditCommit(id: ID!, notifyCustomer: Boolean, staffNote: String): OrderEditCommitPayload
}
"""
