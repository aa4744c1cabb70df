"""The part of Shopify's Admin GraphQL schema the emulator serves, with Shopify's own names."""
from __future__ import annotations

from graphql import build_schema

from .inventory_schema import INVENTORY_SDL
from .order_edit_schema import ORDER_EDIT_SDL

SDL = """
scalar DateTime
scalar Decimal
scalar Money
scalar URL
scalar JSON
scalar UnsignedInt64

enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationType { MUTATION QUERY }
enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }
enum CountPrecision { AT_LEAST EXACT }

enum CustomerState { DISABLED INVITED ENABLED DECLINED }
enum ProductStatus { ACTIVE ARCHIVED DRAFT }
enum CurrencyCode { NOK SEK DKK EUR USD GBP }
enum CountryCode { NO SE DK FI DE GB US }
enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum CustomerSortKeys { CREATED_AT ID LOCATION NAME RELEVANCE UPDATED_AT }
enum ProductSortKeys { CREATED_AT ID INVENTORY_TOTAL PRODUCT_TYPE PUBLISHED_AT RELEVANCE TITLE UPDATED_AT VENDOR }
enum ProductVariantSortKeys { FULL_TITLE ID INVENTORY_LEVELS_AVAILABLE INVENTORY_MANAGEMENT INVENTORY_POLICY INVENTORY_QUANTITY NAME POPULAR POSITION RELEVANCE SKU TITLE }
enum OrderSortKeys { CREATED_AT CUSTOMER_NAME FINANCIAL_STATUS FULFILLMENT_STATUS ID ORDER_NUMBER PO_NUMBER PROCESSED_AT RELEVANCE TOTAL_PRICE UPDATED_AT }
enum MetafieldOwnerType { CUSTOMER PRODUCT PRODUCTVARIANT ORDER SHOP }

interface Node { id: ID! }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

type MailingAddress implements Node {
  id: ID!
  address1: String
  address2: String
  city: String
  company: String
  country: String
  countryCodeV2: CountryCode
  firstName: String
  lastName: String
  name: String
  phone: String
  province: String
  provinceCode: String
  zip: String
}

type Metafield implements Node {
  id: ID!
  namespace: String!
  key: String!
  value: String!
  type: String!
  createdAt: DateTime!
  updatedAt: DateTime!
}
type MetafieldEdge { cursor: String! node: Metafield! }
type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }

type Customer implements Node {
  id: ID!
  legacyResourceId: String!
  firstName: String
  lastName: String
  displayName: String!
  email: String
  phone: String
  note: String
  tags: [String!]!
  state: CustomerState!
  verifiedEmail: Boolean!
  taxExempt: Boolean!
  numberOfOrders: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  defaultAddress: MailingAddress
  addresses(first: Int): [MailingAddress!]!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!]): MetafieldConnection!
}
type CustomerEdge { cursor: String! node: Customer! }
type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }

type ProductVariant implements Node {
  id: ID!
  legacyResourceId: String!
  title: String!
  displayName: String!
  sku: String
  price: Money!
  compareAtPrice: Money
  barcode: String
  inventoryQuantity: Int
  taxable: Boolean!
  position: Int!
  createdAt: DateTime!
  updatedAt: DateTime!
  product: Product!
  selectedOptions: [SelectedOption!]!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!]): MetafieldConnection!
}
type SelectedOption { name: String! value: String! }
type ProductOptionValue { id: ID! name: String! hasVariants: Boolean! }
type ProductOption { id: ID! name: String! position: Int! values: [String!]! optionValues: [ProductOptionValue!]! }
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

type Product implements Node {
  id: ID!
  legacyResourceId: String!
  title: String!
  handle: String!
  descriptionHtml: String!
  description: String!
  vendor: String!
  productType: String!
  status: ProductStatus!
  tags: [String!]!
  totalInventory: Int!
  variantsCount: Count
  createdAt: DateTime!
  updatedAt: DateTime!
  options(first: Int): [ProductOption!]!
  variants(first: Int, after: String, last: Int, before: String, reverse: Boolean, sortKey: ProductVariantSortKeys): ProductVariantConnection!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!]): MetafieldConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

type LineItem implements Node {
  id: ID!
  title: String!
  name: String!
  quantity: Int!
  sku: String
  variant: ProductVariant
  product: Product
  originalUnitPriceSet: MoneyBag!
  discountedUnitPriceSet: MoneyBag!
  totalDiscountSet: MoneyBag!
  originalTotalSet: MoneyBag!
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

type Order implements Node {
  id: ID!
  legacyResourceId: String!
  name: String!
  email: String
  phone: String
  poNumber: String
  note: String
  tags: [String!]!
  currencyCode: CurrencyCode!
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime!
  cancelledAt: DateTime
  taxesIncluded: Boolean!
  closed: Boolean!
  displayFinancialStatus: OrderDisplayFinancialStatus
  customer: Customer
  currentTotalPriceSet: MoneyBag!
  totalPriceSet: MoneyBag!
  subtotalPriceSet: MoneyBag
  totalTaxSet: MoneyBag
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): LineItemConnection!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, namespace: String, keys: [String!]): MetafieldConnection!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

type Location implements Node { id: ID! name: String! isActive: Boolean! }
type LocationEdge { cursor: String! node: Location! }
type LocationConnection { edges: [LocationEdge!]! nodes: [Location!]! pageInfo: PageInfo! }

type Count { count: Int! precision: CountPrecision! }

type BulkOperation implements Node {
  id: ID!
  status: BulkOperationStatus!
  errorCode: BulkOperationErrorCode
  type: BulkOperationType!
  createdAt: DateTime!
  completedAt: DateTime
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  query: String!
}
type BulkOperationUserError { field: [String!] message: String! code: BulkOperationUserErrorCode }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }
type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }

type Shop { id: ID! name: String! email: String! myshopifyDomain: String! currencyCode: CurrencyCode! ianaTimezone: String! taxesIncluded: Boolean! }

type QueryRoot {
  shop: Shop!
  node(id: ID!): Node
  customer(id: ID!): Customer
  customers(first: Int, after: String, last: Int, before: String, reverse: Boolean, sortKey: CustomerSortKeys, query: String): CustomerConnection!
  product(id: ID!): Product
  productByHandle(handle: String!): Product
  products(first: Int, after: String, last: Int, before: String, reverse: Boolean, sortKey: ProductSortKeys, query: String): ProductConnection!
  productVariant(id: ID!): ProductVariant
  productVariants(first: Int, after: String, last: Int, before: String, reverse: Boolean, sortKey: ProductVariantSortKeys, query: String): ProductVariantConnection!
  location(id: ID): Location
  locations(first: Int, after: String, last: Int, before: String): LocationConnection!
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean, sortKey: OrderSortKeys, query: String): OrderConnection!
  customersCount(query: String, limit: Int = 10000): Count
  productsCount(query: String, limit: Int = 10000): Count
  ordersCount(query: String, limit: Int = 10000): Count
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  bulkOperation(id: ID!): BulkOperation
}

type UserError { field: [String!] message: String! }
type CustomerUserError { field: [String!] message: String! code: String }
type ProductVariantsBulkCreateUserError { field: [String!] message: String! code: String }
type ProductVariantsBulkUpdateUserError { field: [String!] message: String! code: String }
type ProductSetUserError { field: [String!] message: String! code: String }
type MetafieldsSetUserError { field: [String!] message: String! code: String elementIndex: Int }
type OrderCreateUserError { field: [String!] message: String! code: String }

input MetafieldInput { id: ID namespace: String key: String value: String type: String }
input MetafieldsSetInput { ownerId: ID! namespace: String key: String! value: String! type: String }
input MailingAddressInput {
  address1: String address2: String city: String company: String countryCode: CountryCode
  firstName: String lastName: String phone: String provinceCode: String zip: String
}
input CustomerInput {
  id: ID firstName: String lastName: String email: String phone: String note: String
  tags: [String!] addresses: [MailingAddressInput!] metafields: [MetafieldInput!] taxExempt: Boolean
}
input CustomerSetInput {
  id: ID firstName: String lastName: String email: String phone: String note: String
  tags: [String!] addresses: [MailingAddressInput!] taxExempt: Boolean
}
input CustomerSetIdentifiers { id: ID email: String phone: String }

input ProductVariantInventoryQuantityInput { locationId: ID! name: String quantity: Int! }
input InventoryItemInput { sku: String tracked: Boolean }
input ProductVariantSetInput {
  id: ID sku: String price: Money compareAtPrice: Money barcode: String taxable: Boolean position: Int
  inventoryQuantities: [ProductVariantInventoryQuantityInput!] optionValues: [VariantOptionValueInput!]
  metafields: [MetafieldInput!]
}
input VariantOptionValueInput { id: ID name: String optionId: ID optionName: String }
input OptionValueSetInput { id: ID name: String }
input OptionSetInput { id: ID name: String position: Int values: [OptionValueSetInput!] }
input ProductSetInput {
  id: ID title: String handle: String descriptionHtml: String vendor: String productType: String
  status: ProductStatus tags: [String!] productOptions: [OptionSetInput!] variants: [ProductVariantSetInput!]
  metafields: [MetafieldInput!]
}
input ProductSetIdentifiers { id: ID handle: String }
input ProductCreateInput {
  title: String handle: String descriptionHtml: String vendor: String productType: String
  status: ProductStatus tags: [String!] metafields: [MetafieldInput!]
}
input ProductUpdateInput {
  id: ID title: String handle: String descriptionHtml: String vendor: String productType: String
  status: ProductStatus tags: [String!] metafields: [MetafieldInput!]
}
input ProductInput {
  id: ID title: String handle: String descriptionHtml: String vendor: String productType: String
  status: ProductStatus tags: [String!] metafields: [MetafieldInput!]
}
input ProductVariantsBulkInput {
  id: ID price: Money compareAtPrice: Money barcode: String taxable: Boolean
  inventoryItem: InventoryItemInput inventoryQuantities: [InventoryLevelInput!]
  optionValues: [VariantOptionValueInput!] metafields: [MetafieldInput!]
}

input MoneyInput { amount: Decimal! currencyCode: CurrencyCode! }
input MoneyBagInput { shopMoney: MoneyInput! presentmentMoney: MoneyInput }
input OrderCreateLineItemInput {
  variantId: ID quantity: Int! title: String sku: String priceSet: MoneyBagInput requiresShipping: Boolean taxable: Boolean
}
input OrderCreateAssociateCustomerAttributesInput { id: ID email: String }
input OrderCreateCustomerInput { toAssociate: OrderCreateAssociateCustomerAttributesInput }
input OrderCreateOrderInput {
  email: String phone: String poNumber: String note: String tags: [String!] currency: CurrencyCode
  processedAt: DateTime financialStatus: String lineItems: [OrderCreateLineItemInput!] customer: OrderCreateCustomerInput
  customerId: ID metafields: [MetafieldInput!] taxesIncluded: Boolean
}
input OrderInput { id: ID! email: String note: String poNumber: String tags: [String!] metafields: [MetafieldInput!] }
input CustomerDeleteInput { id: ID! }
input ProductDeleteInput { id: ID! }

type CustomerCreatePayload { customer: Customer userErrors: [UserError!]! }
type CustomerUpdatePayload { customer: Customer userErrors: [UserError!]! }
type CustomerSetPayload { customer: Customer userErrors: [CustomerUserError!]! }
type ProductSetPayload { product: Product productSetOperation: String userErrors: [ProductSetUserError!]! }
type ProductCreatePayload { product: Product userErrors: [UserError!]! }
type ProductUpdatePayload { product: Product userErrors: [UserError!]! }
type ProductVariantsBulkCreatePayload { product: Product productVariants: [ProductVariant!] userErrors: [ProductVariantsBulkCreateUserError!]! }
type ProductVariantsBulkUpdatePayload { product: Product productVariants: [ProductVariant!] userErrors: [ProductVariantsBulkUpdateUserError!]! }
type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }
type OrderCreatePayload { order: Order userErrors: [OrderCreateUserError!]! }
type OrderUpdatePayload { order: Order userErrors: [UserError!]! }
type CustomerDeletePayload { deletedCustomerId: ID shop: Shop! userErrors: [UserError!]! }
enum ProductOperationStatus { ACTIVE COMPLETE CREATED }
type ProductDeleteOperation { id: ID! status: ProductOperationStatus! deletedProductId: ID userErrors: [UserError!]! }
type ProductDeletePayload { deletedProductId: ID productDeleteOperation: ProductDeleteOperation shop: Shop! userErrors: [UserError!]! }

type Mutation {
  customerCreate(input: CustomerInput!): CustomerCreatePayload
  customerUpdate(input: CustomerInput!): CustomerUpdatePayload
  customerSet(input: CustomerSetInput!, identifier: CustomerSetIdentifiers): CustomerSetPayload
  productSet(input: ProductSetInput!, identifier: ProductSetIdentifiers, synchronous: Boolean): ProductSetPayload
  productCreate(product: ProductCreateInput, input: ProductInput): ProductCreatePayload
  productUpdate(product: ProductUpdateInput, input: ProductInput): ProductUpdatePayload
  productVariantsBulkCreate(productId: ID!, variants: [ProductVariantsBulkInput!]!): ProductVariantsBulkCreatePayload
  productVariantsBulkUpdate(productId: ID!, variants: [ProductVariantsBulkInput!]!, allowPartialUpdates: Boolean): ProductVariantsBulkUpdatePayload
  metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
  orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput): OrderCreatePayload
  orderUpdate(input: OrderInput!): OrderUpdatePayload
  customerDelete(input: CustomerDeleteInput!): CustomerDeletePayload
  productDelete(input: ProductDeleteInput!, synchronous: Boolean = true): ProductDeletePayload
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = true): BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
}

schema { query: QueryRoot mutation: Mutation }
"""

schema = build_schema(SDL + INVENTORY_SDL + ORDER_EDIT_SDL)
